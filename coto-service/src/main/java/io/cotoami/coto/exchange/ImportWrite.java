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
 * in {@code import_ids}, and the graph bounds checked once all is written. {@link Importer} runs it
 * as a job.
 */
final class ImportWrite {
  private static final int BATCH = 500;
  private static final String LOCK = "SELECT pg_advisory_xact_lock(hashtextextended('cotoami-import:' || $1::text, 0))";
  private static final String MAPPED = "SELECT source, target FROM import_ids WHERE user_id = $1 AND kind = $2 "
      + "AND source = ANY($3::text[])";
  private static final String MAP = "INSERT INTO import_ids (user_id, kind, source, target) "
      + "SELECT $1, $2, s, t FROM unnest($3::text[], $4::text[]) AS u(s, t)";
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
  private static final String PIN_BASE = "SELECT stock, max(position) + 1 AS base FROM pins WHERE stock = ANY($1::text[]) "
      + "GROUP BY stock";
  private static final String PINS = "INSERT INTO pins (id, stock, coto_id, author_id, position) "
      + "SELECT u.id, u.s, u.c, $1, u.p FROM unnest($2::uuid[], $3::text[], $4::uuid[], $5::int[]) AS u(id, s, c, p) "
      + "WHERE EXISTS (SELECT 1 FROM cotos x WHERE x.id = u.c) ON CONFLICT DO NOTHING";
  private static final String PINS_OVER = "SELECT stock FROM pins WHERE stock = ANY($1::text[]) GROUP BY stock "
      + "HAVING count(*) > $2 LIMIT 1";
  private static final String CONNECTION_BASE = "SELECT source_id, max(position) + 1 AS base FROM connections "
      + "WHERE source_id = ANY($1::uuid[]) GROUP BY source_id";
  private static final String CONNECTIONS = "INSERT INTO connections (id, source_id, target_id, author_id, "
      + "linking_phrase, position) SELECT u.id, u.s, u.t, $1, u.l, u.p FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], "
      + "$5::text[], $6::int[]) AS u(id, s, t, l, p) WHERE EXISTS (SELECT 1 FROM cotos x WHERE x.id = u.s) "
      + "AND EXISTS (SELECT 1 FROM cotos y WHERE y.id = u.t) ON CONFLICT DO NOTHING";
  private static final String CONNECTIONS_OVER = "SELECT source_id FROM connections WHERE source_id = ANY($1::uuid[]) "
      + "GROUP BY source_id HAVING count(*) > $2 LIMIT 1";

  private final SqlConnection conn;
  private final UUID userId;
  private final ImportDocument document;
  private final GraphConfig limits;
  /** Told how many records each written batch held. */
  private final IntConsumer progress;
  private final Map<String, String> keys = new HashMap<>();
  private final Map<String, String> names = new HashMap<>();
  private final Map<String, UUID> cotos = new HashMap<>();
  private final Map<String, Integer> created = new HashMap<>();
  private final List<String> renamed = new ArrayList<>();
  private final Set<String> announcedKeys = new HashSet<>();
  private final Map<String, Integer> pinBase = new HashMap<>();
  private final Map<UUID, Integer> connectionBase = new HashMap<>();
  private int skipped;

  ImportWrite(SqlConnection conn, UUID userId, ImportDocument document, GraphConfig limits, IntConsumer progress) {
    this.limits = limits;
    this.conn = conn;
    this.userId = userId;
    this.document = document;
    this.progress = progress;
    document.cotos().forEach(coto -> {
      if (coto.asCotonoma() != null) {
        announcedKeys.add(coto.asCotonoma());
      }
    });
  }

  Future<JsonObject> write() {
    return conn.preparedQuery(LOCK).execute(Tuple.of(userId.toString()))
        .compose(v -> mapped("cotonoma", document.cotonomas().stream().map(ImportDocument.Cotonoma::key).toList()))
        .compose(known -> cotonomas(known, 0))
        .compose(v -> batches(document.cotos(), this::cotos))
        .compose(v -> batches(document.reposts(), this::reposts))
        .compose(v -> batches(document.pins(), this::pins))
        .compose(v -> pinsWithinBound())
        .compose(v -> batches(document.connections(), this::connections))
        .compose(v -> connectionsWithinBound())
        .map(v -> {
          JsonObject made = new JsonObject();
          for (String kind : List.of("cotonomas", "cotos", "reposts", "pins", "connections")) {
            made.put(kind, created.getOrDefault(kind, 0));
          }
          return new JsonObject().put("created", made).put("skipped", skipped)
              .put("renamed", new io.vertx.core.json.JsonArray(renamed));
        });
  }

  private <T> Future<Void> batches(List<T> records, Function<List<T>, Future<Void>> write) {
    Future<Void> chain = Future.succeededFuture();
    for (int from = 0; from < records.size(); from += BATCH) {
      List<T> batch = records.subList(from, Math.min(records.size(), from + BATCH));
      chain = chain.compose(v -> write.apply(batch)).onSuccess(v -> progress.accept(batch.size()));
    }
    return chain;
  }

  /** This person's earlier imports of these document ids: source to target. */
  private Future<Map<String, String>> mapped(String kind, List<String> sources) {
    return conn.preparedQuery(MAPPED).execute(Tuple.of(userId, kind, sources.toArray(String[]::new))).map(rows -> {
      Map<String, String> known = new HashMap<>();
      rows.forEach(row -> known.put(row.getString("source"), row.getString("target")));
      return known;
    });
  }

  private Future<Void> map(String kind, List<String> sources, List<String> targets) {
    if (sources.isEmpty()) {
      return Future.succeededFuture();
    }
    return conn.preparedQuery(MAP).execute(Tuple.of(userId, kind, sources.toArray(String[]::new),
        targets.toArray(String[]::new))).mapEmpty();
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
      skipped++;
      one = Future.succeededFuture();
    } else {
      String key = Keys.random();
      String parent = c.parentKey() == null ? null : keys.get(c.parentKey());
      one = insertCotonoma(key, c, parent, 1).compose(name -> {
        keys.put(c.key(), key);
        names.put(c.key(), name);
        count("cotonomas", 1);
        Future<?> members = c.members().isEmpty() ? Future.succeededFuture()
            : conn.preparedQuery(MEMBERS).execute(Tuple.of(key, (Object) c.members().toArray(String[]::new)));
        boolean announced = announcedKeys.contains(c.key());
        // Every cotonoma is announced by a coto in its parent; a document without one gets one.
        Future<?> announce = announced ? Future.succeededFuture()
            : conn.preparedQuery(ANNOUNCE).execute(Tuple.of(UUID.randomUUID(), userId, name, parent, key,
                c.createdAt()));
        return members.compose(v -> announce).compose(v -> map("cotonoma", List.of(c.key()), List.of(key)));
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
              renamed.add(c.name() + " → " + name);
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
    return mapped("coto", batch.stream().map(ImportDocument.Coto::id).toList()).compose(known -> {
      List<ImportDocument.Coto> fresh = new ArrayList<>();
      for (ImportDocument.Coto coto : batch) {
        String earlier = known.get(coto.id());
        if (earlier != null) {
          cotos.put(coto.id(), UUID.fromString(earlier));
          skipped++;
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
      count("cotos", n);
      return conn.preparedQuery(COTOS).execute(Tuple.of(userId, ids, contents, summaries, in, as, posted, updated))
          .compose(v -> map("coto", sources, targets));
    });
  }

  private Future<Void> reposts(List<ImportDocument.Repost> batch) {
    return mapped("coto", batch.stream().map(ImportDocument.Repost::id).toList()).compose(known -> {
      List<UUID> ids = new ArrayList<>();
      List<String> in = new ArrayList<>();
      List<UUID> of = new ArrayList<>();
      List<OffsetDateTime> posted = new ArrayList<>();
      List<String> sources = new ArrayList<>();
      for (ImportDocument.Repost repost : batch) {
        String earlier = known.get(repost.id());
        if (earlier != null) {
          cotos.put(repost.id(), UUID.fromString(earlier));
          skipped++;
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
          .onSuccess(rows -> count("reposts", rows.rowCount()))
          .compose(v -> map("coto", sources, ids.stream().map(UUID::toString).toList()));
    });
  }

  private String stock(String documentKey) {
    return documentKey == null ? TimelineNames.home(userId.toString()) : TimelineNames.cotonoma(keys.get(documentKey));
  }

  private final Set<String> stocks = new HashSet<>();

  private Future<Void> pins(List<ImportDocument.Pin> batch) {
    return mapped("pin", batch.stream().map(ImportDocument.Pin::id).toList()).compose(known -> {
      List<ImportDocument.Pin> fresh = batch.stream().filter(pin -> !known.containsKey(pin.id())).toList();
      skipped += batch.size() - fresh.size();
      if (fresh.isEmpty()) {
        return Future.succeededFuture();
      }
      // Each stock's imported pins go after the pins it had before this import (asked once per stock).
      String[] stockNames = fresh.stream().map(pin -> stock(pin.cotonomaKey())).distinct()
          .filter(stock -> !pinBase.containsKey(stock)).toArray(String[]::new);
      return conn.preparedQuery(PIN_BASE).execute(Tuple.of((Object) stockNames)).compose(bases -> {
        for (String stock : stockNames) {
          pinBase.put(stock, 0);
        }
        bases.forEach(row -> pinBase.put(row.getString("stock"), row.getInteger("base")));
        Map<String, Integer> base = pinBase;
        int n = fresh.size();
        UUID[] ids = new UUID[n];
        String[] in = new String[n];
        UUID[] coto = new UUID[n];
        Integer[] position = new Integer[n];
        for (int i = 0; i < n; i++) {
          ImportDocument.Pin pin = fresh.get(i);
          ids[i] = UUID.randomUUID();
          in[i] = stock(pin.cotonomaKey());
          coto[i] = cotos.get(pin.cotoId());
          position[i] = base.getOrDefault(in[i], 0) + pin.position();
          stocks.add(in[i]);
        }
        return conn.preparedQuery(PINS).execute(Tuple.of(userId, ids, in, coto, position))
            .onSuccess(rows -> count("pins", rows.rowCount()))
            .compose(v -> map("pin", fresh.stream().map(ImportDocument.Pin::id).toList(),
                java.util.Arrays.stream(ids).map(UUID::toString).toList()));
      });
    });
  }

  private final Set<UUID> sources = new HashSet<>();

  private Future<Void> connections(List<ImportDocument.Connection> batch) {
    return mapped("connection", batch.stream().map(ImportDocument.Connection::id).toList()).compose(known -> {
      List<ImportDocument.Connection> fresh = batch.stream().filter(c -> !known.containsKey(c.id())).toList();
      skipped += batch.size() - fresh.size();
      if (fresh.isEmpty()) {
        return Future.succeededFuture();
      }
      UUID[] from = fresh.stream().map(c -> cotos.get(c.sourceId())).distinct()
          .filter(source -> !connectionBase.containsKey(source)).toArray(UUID[]::new);
      return conn.preparedQuery(CONNECTION_BASE).execute(Tuple.of((Object) from)).compose(bases -> {
        for (UUID source : from) {
          connectionBase.put(source, 0);
        }
        bases.forEach(row -> connectionBase.put(row.getUUID("source_id"), row.getInteger("base")));
        Map<UUID, Integer> base = connectionBase;
        int n = fresh.size();
        UUID[] ids = new UUID[n];
        UUID[] source = new UUID[n];
        UUID[] target = new UUID[n];
        String[] phrase = new String[n];
        Integer[] position = new Integer[n];
        for (int i = 0; i < n; i++) {
          ImportDocument.Connection c = fresh.get(i);
          ids[i] = UUID.randomUUID();
          source[i] = cotos.get(c.sourceId());
          target[i] = cotos.get(c.targetId());
          phrase[i] = c.linkingPhrase();
          position[i] = base.getOrDefault(source[i], 0) + c.position();
          sources.add(source[i]);
        }
        return conn.preparedQuery(CONNECTIONS).execute(Tuple.of(userId, ids, source, target, phrase, position))
            .onSuccess(rows -> count("connections", rows.rowCount()))
            .compose(v -> map("connection", fresh.stream().map(ImportDocument.Connection::id).toList(),
                java.util.Arrays.stream(ids).map(UUID::toString).toList()));
      });
    });
  }

  /** With the pins already there, no stock may end over its bound: else the whole import is undone. */
  private Future<Void> pinsWithinBound() {
    return withinBound(PINS_OVER, stocks.toArray(String[]::new), limits.pinsPerStock(), "With the pins already there, "
        + "a stock would hold more than " + limits.pinsPerStock() + " pins (GRAPH_PINS_PER_STOCK).");
  }

  private Future<Void> connectionsWithinBound() {
    return withinBound(CONNECTIONS_OVER, sources.toArray(UUID[]::new), limits.connectionsPerCoto(),
        "With the connections already there, a coto would have more than " + limits.connectionsPerCoto()
            + " connections out of it (GRAPH_CONNECTIONS_PER_COTO).");
  }

  /** Fails the import with 409 graph-limit when {@code overSql} finds one of {@code written} past {@code bound}. */
  private Future<Void> withinBound(String overSql, Object[] written, int bound, String detail) {
    if (written.length == 0) {
      return Future.succeededFuture();
    }
    return conn.preparedQuery(overSql).execute(Tuple.of(written, bound)).map(rows -> {
      if (rows.size() > 0) {
        throw new ProblemException(Problem.of(409, "graph-limit", "Graph limit reached", detail + " Nothing was imported."));
      }
      return null;
    });
  }

  private void count(String kind, int n) {
    created.merge(kind, n, Integer::sum);
  }

  static String numbered(String name, int n) {
    String suffix = " (" + n + ")";
    int room = Cotonomas.MAX_NAME - suffix.length();
    String base = name.codePointCount(0, name.length()) <= room ? name
        : name.substring(0, name.offsetByCodePoints(0, room)).strip();
    return base + suffix;
  }
}
