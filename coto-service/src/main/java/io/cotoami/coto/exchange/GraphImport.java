package io.cotoami.coto.exchange;

import io.cotoami.coto.domain.DomainProblems;
import io.cotoami.coto.graph.GraphConfig;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.lang.reflect.Array;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * An import's pins or connections, which are written alike: each is placed in a group (a pin in
 * its stock, a connection among those out of its source coto). Batch by batch, the records imported
 * before are skipped, the others go after what their group held before this import (asked once per
 * group) and are mapped in {@code import_ids}; once all are written, {@link #withinBound} checks that
 * no group ended over its bound.
 *
 * @param <R> the document's record
 * @param <G> what places it: a stock's name, a source coto's id
 */
final class GraphImport<R, G> {
  /**
   * How one kind is written. {@code baseSql} answers (group, base) for the groups given; {@code
   * insertSql} takes the user, the new ids, the groups, {@code columns} and the positions;
   * {@code overSql} finds a group over the bound.
   *
   * @param name    its kind in {@code import_ids}
   * @param counted its count in the result
   * @param columns the insert's arrays (one a column) between the groups and the positions
   * @param over    what the 409 says when a group ends over {@code bound}
   */
  record Kind<R, G>(String name, String counted, Class<G> group, String baseSql, String insertSql, String overSql,
      Function<R, String> id, Function<R, G> groupOf, ToIntFunction<R> position,
      Function<List<R>, Object[]> columns, int bound, String over) {
  }

  private final SqlConnection conn;
  private final UUID userId;
  private final ImportIds ids;
  private final ImportTally tally;
  private final Kind<R, G> kind;
  private final Map<G, Integer> base = new HashMap<>();
  private final Set<G> written = new HashSet<>();

  GraphImport(SqlConnection conn, UUID userId, ImportIds ids, ImportTally tally, Kind<R, G> kind) {
    this.conn = conn;
    this.userId = userId;
    this.ids = ids;
    this.tally = tally;
    this.kind = kind;
  }

  /** Pins, each in the stock {@code stockOf} names for its document key, of the coto {@code cotoOf} names. */
  static Kind<ImportDocument.Pin, String> pins(GraphConfig limits, Function<String, String> stockOf,
      Function<String, UUID> cotoOf) {
    return new Kind<>("pin", "pins", String.class,
        "SELECT stock, max(position) + 1 AS base FROM pins WHERE stock = ANY($1::text[]) GROUP BY stock",
        "INSERT INTO pins (id, stock, coto_id, author_id, position) "
            + "SELECT u.id, u.s, u.c, $1, u.p FROM unnest($2::uuid[], $3::text[], $4::uuid[], $5::int[]) AS u(id, s, c, p) "
            + "WHERE EXISTS (SELECT 1 FROM cotos x WHERE x.id = u.c) ON CONFLICT DO NOTHING",
        "SELECT stock FROM pins WHERE stock = ANY($1::text[]) GROUP BY stock HAVING count(*) > $2 LIMIT 1",
        ImportDocument.Pin::id, pin -> stockOf.apply(pin.cotonomaKey()), ImportDocument.Pin::position,
        fresh -> new Object[] {fresh.stream().map(pin -> cotoOf.apply(pin.cotoId())).toArray(UUID[]::new)},
        limits.pinsPerStock(), "With the pins already there, a stock would hold more than " + limits.pinsPerStock()
            + " pins (GRAPH_PINS_PER_STOCK).");
  }

  /** Connections, each between the cotos {@code cotoOf} names for its document ids. */
  static Kind<ImportDocument.Connection, UUID> connections(GraphConfig limits, Function<String, UUID> cotoOf) {
    return new Kind<>("connection", "connections", UUID.class,
        "SELECT source_id, max(position) + 1 AS base FROM connections WHERE source_id = ANY($1::uuid[]) "
            + "GROUP BY source_id",
        "INSERT INTO connections (id, source_id, target_id, author_id, linking_phrase, position) "
            + "SELECT u.id, u.s, u.t, $1, u.l, u.p FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::int[]) "
            + "AS u(id, s, t, l, p) WHERE EXISTS (SELECT 1 FROM cotos x WHERE x.id = u.s) "
            + "AND EXISTS (SELECT 1 FROM cotos y WHERE y.id = u.t) ON CONFLICT DO NOTHING",
        "SELECT source_id FROM connections WHERE source_id = ANY($1::uuid[]) GROUP BY source_id "
            + "HAVING count(*) > $2 LIMIT 1",
        ImportDocument.Connection::id, c -> cotoOf.apply(c.sourceId()), ImportDocument.Connection::position,
        fresh -> new Object[] {fresh.stream().map(c -> cotoOf.apply(c.targetId())).toArray(UUID[]::new),
            fresh.stream().map(ImportDocument.Connection::linkingPhrase).toArray(String[]::new)},
        limits.connectionsPerCoto(), "With the connections already there, a coto would have more than "
            + limits.connectionsPerCoto() + " connections out of it (GRAPH_CONNECTIONS_PER_COTO).");
  }

  Future<Void> write(List<R> batch) {
    return ids.mapped(kind.name(), batch.stream().map(kind.id()).toList()).compose(known -> {
      List<R> fresh = batch.stream().filter(r -> !known.containsKey(kind.id().apply(r))).toList();
      tally.skipped(batch.size() - fresh.size());
      if (fresh.isEmpty()) {
        return Future.succeededFuture();
      }
      // Each group's imported records go after those it had before this import (asked once per group).
      G[] asked = fresh.stream().map(kind.groupOf()).distinct().filter(g -> !base.containsKey(g)).toArray(this::array);
      return conn.preparedQuery(kind.baseSql()).execute(Tuple.of((Object) asked)).compose(bases -> {
        for (G group : asked) {
          base.put(group, 0);
        }
        bases.forEach(row -> base.put(row.get(kind.group(), 0), row.getInteger("base")));
        int n = fresh.size();
        UUID[] made = new UUID[n];
        G[] groups = array(n);
        Integer[] position = new Integer[n];
        for (int i = 0; i < n; i++) {
          R record = fresh.get(i);
          made[i] = UUID.randomUUID();
          groups[i] = kind.groupOf().apply(record);
          position[i] = base.getOrDefault(groups[i], 0) + kind.position().applyAsInt(record);
          written.add(groups[i]);
        }
        Tuple insert = Tuple.of(userId, made, groups);
        for (Object column : kind.columns().apply(fresh)) {
          insert.addValue(column);
        }
        insert.addValue(position);
        return conn.preparedQuery(kind.insertSql()).execute(insert)
            .onSuccess(rows -> tally.created(kind.counted(), rows.rowCount()))
            .compose(v -> ids.map(kind.name(), fresh.stream().map(kind.id()).toList(),
                Arrays.stream(made).map(UUID::toString).toList()));
      });
    });
  }

  /** With what was there before, no group written to may end over the bound: else the whole import is undone (409). */
  Future<Void> withinBound() {
    if (written.isEmpty()) {
      return Future.succeededFuture();
    }
    return conn.preparedQuery(kind.overSql()).execute(Tuple.of(written.toArray(this::array), kind.bound()))
        .map(rows -> {
          if (rows.size() > 0) {
            throw DomainProblems.graphLimit(kind.over() + " Nothing was imported.");
          }
          return null;
        });
  }

  /** A typed array of groups ({@code String[]}, {@code UUID[]}): what the client sends as {@code text[]}, {@code uuid[]}. */
  @SuppressWarnings("unchecked")
  private G[] array(int size) {
    return (G[]) Array.newInstance(kind.group(), size);
  }
}
