package io.cotoami.coto.exchange;

import io.cotoami.common.bus.TimelineNames;
import io.cotoami.common.http.Problem;
import io.cotoami.common.http.ProblemException;
import io.cotoami.coto.domain.Cotonomas;
import io.cotoami.coto.domain.Keys;
import io.cotoami.coto.graph.GraphConfig;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.IntConsumer;

/**
 * One import's writes, on its transaction's connection: cotonomas one at a time (each needs a free
 * name), then cotos, reposts, pins and connections in batches of {@value #BATCH}, each record mapped
 * in {@code import_ids} ({@link ImportIds}), and the graph bounds checked once all is written (pins
 * and connections are written alike, by {@link GraphImport}); what it made is told by
 * {@link ImportTally}. {@link Importer} runs it as a job.
 */
final class ImportWrite {
  private static final int BATCH = 500;
  private static final String LOCK = "SELECT pg_advisory_xact_lock(hashtextextended('cotoami-import:' || $1::text, 0))";
  private static final String COTONOMA = "INSERT INTO cotonomas (key, name, owner_id, parent_key, created_at) "
      + "VALUES ($1, $2, $3, (SELECT key FROM cotonomas WHERE key = $4), COALESCE($5, now())) "
      + "ON CONFLICT DO NOTHING RETURNING key";
  private static final String MEMBERS = "INSERT INTO members (cotonoma_key, email) SELECT $1, unnest($2::text[]) "
      + "ON CONFLICT DO NOTHING";
  private static final String ANNOUNCE = "INSERT INTO cotos (id, author_id, content, cotonoma_key, as_cotonoma, posted_at) "
      + "VALUES ($1, $2, $3, (SELECT key FROM cotonomas WHERE key = $4), $5, COALESCE($6, now()))";
  /** In the document's order, so their seqs (timeline order) are too. A cotonoma deleted since its import is no place. */
  private static final String COTOS = "INSERT INTO cotos (id, author_id, content, summary, cotonoma_key, as_cotonoma, "
      + "posted_at, updated_at) SELECT u.id, $1, u.content, u.summary, (SELECT key FROM cotonomas WHERE key = u.k), "
      + "(SELECT key FROM cotonomas WHERE key = u.a AND NOT EXISTS (SELECT 1 FROM cotos x WHERE x.as_cotonoma = u.a)), "
      + "COALESCE(u.p, now()), u.up FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], "
      + "$7::timestamptz[], $8::timestamptz[]) WITH ORDINALITY AS u(id, content, summary, k, a, p, up, n) ORDER BY u.n";
  private static final String REPOSTS = "INSERT INTO cotos (id, author_id, cotonoma_key, repost_of, posted_at) "
      + "SELECT u.id, $1, u.k, u.o, COALESCE(u.p, now()) FROM unnest($2::uuid[], $3::text[], $4::uuid[], "
      + "$5::timestamptz[]) WITH ORDINALITY AS u(id, k, o, p, n) "
      + "WHERE EXISTS (SELECT 1 FROM cotos x WHERE x.id = u.o AND x.repost_of IS NULL) "
      + "AND EXISTS (SELECT 1 FROM cotonomas y WHERE y.key = u.k) ORDER BY u.n ON CONFLICT DO NOTHING";

  private final SqlConnection conn;
  private final UUID userId;
  private final ImportDocument document;
  /** Told how many records each written batch held. */
  private final IntConsumer progress;
  private final ImportIds importIds;
  private final ImportTally tally = new ImportTally();
  private final GraphImport<ImportDocument.Pin, String> pins;
  private final GraphImport<ImportDocument.Connection, UUID> connections;
  /** The document's cotonoma keys, names (where they had to change) and coto ids, to what they were written as. */
  private final Map<String, String> keys = new HashMap<>();
  private final Map<String, String> names = new HashMap<>();
  private final Map<String, UUID> cotos = new HashMap<>();
  private final Set<String> announcedKeys = new HashSet<>();

  ImportWrite(SqlConnection conn, UUID userId, ImportDocument document, GraphConfig limits, IntConsumer progress) {
    this.conn = conn;
    this.userId = userId;
    this.document = document;
    this.progress = progress;
    this.importIds = new ImportIds(conn, userId);
    this.pins = new GraphImport<>(conn, userId, importIds, tally, GraphImport.pins(limits, this::stock, cotos::get));
    this.connections = new GraphImport<>(conn, userId, importIds, tally, GraphImport.connections(limits, cotos::get));
    document.cotos().forEach(coto -> {
      if (coto.asCotonoma() != null) {
        announcedKeys.add(coto.asCotonoma());
      }
    });
  }

  Future<JsonObject> write() {
    return conn.preparedQuery(LOCK).execute(Tuple.of(userId.toString()))
        .compose(v -> importIds.mapped("cotonoma",
            document.cotonomas().stream().map(ImportDocument.Cotonoma::key).toList()))
        .compose(known -> cotonomas(known, 0))
        .compose(v -> batches(document.cotos(), this::cotos))
        .compose(v -> batches(document.reposts(), this::reposts))
        .compose(v -> batches(document.pins(), pins::write))
        .compose(v -> pins.withinBound())
        .compose(v -> batches(document.connections(), connections::write))
        .compose(v -> connections.withinBound())
        .map(v -> tally.toJson());
  }

  private <T> Future<Void> batches(List<T> records, Function<List<T>, Future<Void>> write) {
    Future<Void> chain = Future.succeededFuture();
    for (int from = 0; from < records.size(); from += BATCH) {
      List<T> batch = records.subList(from, Math.min(records.size(), from + BATCH));
      chain = chain.compose(v -> write.apply(batch)).onSuccess(v -> progress.accept(batch.size()));
    }
    return chain;
  }

  /** One at a time, parents first (the document's order): each needs a free name among the person's cotonomas. */
  private Future<Void> cotonomas(Map<String, String> known, int i) {
    if (i == document.cotonomas().size()) {
      return Future.succeededFuture();
    }
    ImportDocument.Cotonoma c = document.cotonomas().get(i);
    String earlier = known.get(c.key());
    Future<Void> one;
    if (earlier != null) {
      keys.put(c.key(), earlier);
      tally.skipped(1);
      one = Future.succeededFuture();
    } else {
      String key = Keys.random();
      String parent = c.parentKey() == null ? null : keys.get(c.parentKey());
      one = insertCotonoma(key, c, parent, 1).compose(name -> {
        keys.put(c.key(), key);
        names.put(c.key(), name);
        tally.created("cotonomas", 1);
        Future<?> members = c.members().isEmpty() ? Future.succeededFuture()
            : conn.preparedQuery(MEMBERS).execute(Tuple.of(key, (Object) c.members().toArray(String[]::new)));
        boolean announced = announcedKeys.contains(c.key());
        // Every cotonoma is announced by a coto in its parent; a document without one gets one.
        Future<?> announce = announced ? Future.succeededFuture()
            : conn.preparedQuery(ANNOUNCE).execute(Tuple.of(UUID.randomUUID(), userId, name, parent, key,
                c.createdAt()));
        return members.compose(v -> announce).compose(v -> importIds.map("cotonoma", List.of(c.key()), List.of(key)));
      });
    }
    return one.onSuccess(v -> progress.accept(1)).compose(v -> cotonomas(known, i + 1));
  }

  /** Inserts under the first free name of "name", "name (2)" ... "name (20)"; the name it got. */
  private Future<String> insertCotonoma(String key, ImportDocument.Cotonoma c, String parent, int attempt) {
    String name = attempt == 1 ? c.name() : numbered(c.name(), attempt);
    return conn.preparedQuery(COTONOMA).execute(Tuple.of(key, name, userId, parent, c.createdAt()))
        .compose(rows -> {
          if (rows.size() == 1) {
            if (attempt > 1) {
              tally.renamed(c.name(), name);
            }
            return Future.succeededFuture(name);
          }
          if (attempt == 20) {
            throw new ProblemException(Problem.of(409, "name-taken", "Name taken",
                "You have cotonomas named '" + c.name() + "' and '" + c.name() + " (2)' to (20) already.")
                .at("/cotonomas/" + document.cotonomas().indexOf(c)));
          }
          return insertCotonoma(key, c, parent, attempt + 1);
        });
  }

  private Future<Void> cotos(List<ImportDocument.Coto> batch) {
    return importIds.mapped("coto", batch.stream().map(ImportDocument.Coto::id).toList()).compose(known -> {
      List<ImportDocument.Coto> fresh = new ArrayList<>();
      for (ImportDocument.Coto coto : batch) {
        String earlier = known.get(coto.id());
        if (earlier != null) {
          cotos.put(coto.id(), UUID.fromString(earlier));
          tally.skipped(1);
        } else {
          fresh.add(coto);
        }
      }
      if (fresh.isEmpty()) {
        return Future.succeededFuture();
      }
      int n = fresh.size();
      UUID[] ids = new UUID[n];
      String[] contents = new String[n];
      String[] summaries = new String[n];
      String[] in = new String[n];
      String[] as = new String[n];
      OffsetDateTime[] posted = new OffsetDateTime[n];
      OffsetDateTime[] updated = new OffsetDateTime[n];
      List<String> sources = new ArrayList<>();
      List<String> targets = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        ImportDocument.Coto coto = fresh.get(i);
        ids[i] = UUID.randomUUID();
        cotos.put(coto.id(), ids[i]);
        // A cotonoma's coto reads as its name: the name it was given here, if it had to change.
        contents[i] = coto.asCotonoma() != null && names.containsKey(coto.asCotonoma())
            ? names.get(coto.asCotonoma()) : coto.content();
        summaries[i] = coto.summary();
        in[i] = coto.cotonomaKey() == null ? null : keys.get(coto.cotonomaKey());
        as[i] = coto.asCotonoma() == null ? null : keys.get(coto.asCotonoma());
        posted[i] = coto.postedAt();
        updated[i] = coto.updatedAt();
        sources.add(coto.id());
        targets.add(ids[i].toString());
      }
      tally.created("cotos", n);
      return conn.preparedQuery(COTOS).execute(Tuple.of(userId, ids, contents, summaries, in, as, posted, updated))
          .compose(v -> importIds.map("coto", sources, targets));
    });
  }

  private Future<Void> reposts(List<ImportDocument.Repost> batch) {
    return importIds.mapped("coto", batch.stream().map(ImportDocument.Repost::id).toList()).compose(known -> {
      List<UUID> ids = new ArrayList<>();
      List<String> in = new ArrayList<>();
      List<UUID> of = new ArrayList<>();
      List<OffsetDateTime> posted = new ArrayList<>();
      List<String> sources = new ArrayList<>();
      for (ImportDocument.Repost repost : batch) {
        String earlier = known.get(repost.id());
        if (earlier != null) {
          cotos.put(repost.id(), UUID.fromString(earlier));
          tally.skipped(1);
          continue;
        }
        UUID id = UUID.randomUUID();
        cotos.put(repost.id(), id);
        ids.add(id);
        in.add(keys.get(repost.cotonomaKey()));
        of.add(cotos.get(repost.of()));
        posted.add(repost.postedAt());
        sources.add(repost.id());
      }
      if (ids.isEmpty()) {
        return Future.succeededFuture();
      }
      return conn.preparedQuery(REPOSTS).execute(Tuple.of(userId, ids.toArray(UUID[]::new),
              in.toArray(String[]::new), of.toArray(UUID[]::new), posted.toArray(OffsetDateTime[]::new)))
          .onSuccess(rows -> tally.created("reposts", rows.rowCount()))
          .compose(v -> importIds.map("coto", sources, ids.stream().map(UUID::toString).toList()));
    });
  }

  /** The stock a pin of the document names: a cotonoma's, as imported, or without a key the person's home. */
  private String stock(String documentKey) {
    return documentKey == null ? TimelineNames.home(userId.toString()) : TimelineNames.cotonoma(keys.get(documentKey));
  }

  static String numbered(String name, int n) {
    String suffix = " (" + n + ")";
    int room = Cotonomas.MAX_NAME - suffix.length();
    String base = name.codePointCount(0, name.length()) <= room ? name
        : name.substring(0, name.offsetByCodePoints(0, room)).strip();
    return base + suffix;
  }
}
