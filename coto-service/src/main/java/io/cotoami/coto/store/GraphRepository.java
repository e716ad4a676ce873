package io.cotoami.coto.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/** Pins and connections in PostgreSQL: every SQL statement about the graph is here. */
public final class GraphRepository {
  /** Serializes the writes of one stock (or one source coto) until commit, so a limit check holds. */
  private static final String LOCK = "SELECT pg_advisory_xact_lock(hashtext($1))";
  private static final String PIN = "INSERT INTO pins AS p (id, stock, coto_id, author_id, position, client_id) "
      + "VALUES ($1, $2, $3, $4, (SELECT coalesce(max(position), -1) + 1 FROM pins WHERE stock = $2), $5) "
      + "RETURNING " + Pin.COLUMNS;
  private static final String PIN_BY_CLIENT_ID = "SELECT " + Pin.COLUMNS
      + " FROM pins p WHERE p.author_id = $1 AND p.client_id = $2";
  private static final String PIN_FIND = "SELECT " + Pin.COLUMNS + " FROM pins p WHERE p.id = $1";
  private static final String PIN_COUNT = "SELECT count(*) AS n FROM pins WHERE stock = $1";
  private static final String PINS_OF_STOCK = "SELECT " + Pin.COLUMNS
      + " FROM pins p WHERE p.stock = $1 ORDER BY p.position, p.id";
  private static final String PINS_OF_COTO = "SELECT " + Pin.COLUMNS + " FROM pins p WHERE p.coto_id = $1";
  private static final String UNPIN = "DELETE FROM pins WHERE id = $1";
  private static final String PIN_POSITION = "UPDATE pins SET position = $2 WHERE id = $1";

  private static final String CONNECT = "INSERT INTO connections AS k "
      + "(id, source_id, target_id, author_id, linking_phrase, position, client_id) "
      + "VALUES ($1, $2, $3, $4, $5, (SELECT coalesce(max(position), -1) + 1 FROM connections WHERE source_id = $2), $6) "
      + "RETURNING " + Connection.COLUMNS;
  private static final String CONNECTION_BY_CLIENT_ID = "SELECT " + Connection.COLUMNS
      + " FROM connections k WHERE k.author_id = $1 AND k.client_id = $2";
  private static final String CONNECTION_FIND = "SELECT " + Connection.COLUMNS + " FROM connections k WHERE k.id = $1";
  private static final String CONNECTION_COUNT = "SELECT count(*) AS n FROM connections WHERE source_id = $1";
  private static final String OUT = "SELECT " + Connection.COLUMNS
      + " FROM connections k WHERE k.source_id = $1 ORDER BY k.position, k.id";
  private static final String IN = "SELECT " + Connection.COLUMNS
      + " FROM connections k WHERE k.target_id = $1 ORDER BY k.created_at, k.id LIMIT $2";
  private static final String TOUCHING = "SELECT " + Connection.COLUMNS
      + " FROM connections k WHERE k.source_id = $1 OR k.target_id = $1";
  private static final String DISCONNECT = "DELETE FROM connections WHERE id = $1";
  private static final String RELABEL = "UPDATE connections AS k SET linking_phrase = $2, updated_at = now() "
      + "WHERE k.id = $1 RETURNING " + Connection.COLUMNS;
  private static final String CONNECTION_POSITION = "UPDATE connections SET position = $2 WHERE id = $1";
  /**
   * The cotos reachable from a stock's pins within {@code $2} connections, nearest first, at most {@code $3}.
   * UNION (not UNION ALL) keeps each (coto, depth) once and the depth is bounded, so a cycle ends the walk.
   */
  private static final String REACHABLE = """
      WITH RECURSIVE tree(id, depth) AS (
        SELECT coto_id, 0 FROM pins WHERE stock = $1
        UNION
        SELECT k.target_id, tree.depth + 1 FROM tree JOIN connections k ON k.source_id = tree.id
        WHERE tree.depth < $2)
      SELECT id, min(depth) AS depth FROM tree GROUP BY id ORDER BY min(depth), id LIMIT $3""";
  private static final String AMONG = "SELECT " + Connection.COLUMNS
      + " FROM connections k WHERE k.source_id = ANY($1) AND k.target_id = ANY($1) ORDER BY k.source_id, k.position";
  /** The connections between two cotos of one cotonoma, at most {@code $2}. */
  private static final String IN_COTONOMA = "SELECT " + Connection.COLUMNS + " FROM connections k "
      + "JOIN cotos s ON s.id = k.source_id JOIN cotos t ON t.id = k.target_id "
      + "WHERE s.cotonoma_key = $1 AND t.cotonoma_key = $1 ORDER BY k.source_id, k.position LIMIT $2";

  private static final String ANNOUNCING = "SELECT " + Coto.COLUMNS + " FROM cotos c WHERE c.as_cotonoma = $1";

  /** The coto that announces a cotonoma, or null. */
  public Future<Coto> announcing(SqlConnection conn, String cotonomaKey) {
    return conn.preparedQuery(ANNOUNCING).execute(Tuple.of(cotonomaKey)).map(rows -> one(rows, Coto::from));
  }

  private static final String COTOS = "SELECT " + Coto.COLUMNS + " FROM cotos c WHERE c.id = ANY($1)";

  /** The cotos of those ids that exist, in no particular order. */
  public Future<List<Coto>> cotos(SqlConnection conn, List<UUID> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return conn.preparedQuery(COTOS).execute(Tuple.tuple().addArrayOfUUID(ids.toArray(new UUID[0]))).map(rows -> all(rows, Coto::from));
  }

  public Future<Void> lock(SqlConnection conn, String what) {
    return conn.preparedQuery(LOCK).execute(Tuple.of(what)).mapEmpty();
  }

  /** Fails with SQLSTATE 23505 when the coto is pinned there already or the client id was used. */
  public Future<Pin> pin(SqlConnection conn, String stock, UUID cotoId, UUID authorId, String clientId) {
    return conn.preparedQuery(PIN).execute(Tuple.of(UUID.randomUUID(), stock, cotoId, authorId, clientId))
        .map(rows -> one(rows, Pin::from));
  }

  public Future<Pin> pinByClientId(SqlConnection conn, UUID authorId, String clientId) {
    return conn.preparedQuery(PIN_BY_CLIENT_ID).execute(Tuple.of(authorId, clientId)).map(rows -> one(rows, Pin::from));
  }

  public Future<Pin> findPin(SqlConnection conn, UUID id) {
    return conn.preparedQuery(PIN_FIND).execute(Tuple.of(id)).map(rows -> one(rows, Pin::from));
  }

  public Future<Long> pinCount(SqlConnection conn, String stock) {
    return conn.preparedQuery(PIN_COUNT).execute(Tuple.of(stock)).map(rows -> rows.iterator().next().getLong("n"));
  }

  public Future<List<Pin>> pins(SqlConnection conn, String stock) {
    return conn.preparedQuery(PINS_OF_STOCK).execute(Tuple.of(stock)).map(rows -> all(rows, Pin::from));
  }

  public Future<List<Pin>> pinsOf(SqlConnection conn, UUID cotoId) {
    return conn.preparedQuery(PINS_OF_COTO).execute(Tuple.of(cotoId)).map(rows -> all(rows, Pin::from));
  }

  public Future<Void> unpin(SqlConnection conn, UUID id) {
    return conn.preparedQuery(UNPIN).execute(Tuple.of(id)).mapEmpty();
  }

  public Future<Void> pinPositions(SqlConnection conn, List<UUID> ordered) {
    return positions(conn, PIN_POSITION, ordered);
  }

  /** Fails with 23505 when the two are connected that way already or the client id was used; 23514 on itself. */
  public Future<Connection> connect(SqlConnection conn, UUID sourceId, UUID targetId, UUID authorId, String phrase,
      String clientId) {
    return conn.preparedQuery(CONNECT)
        .execute(Tuple.of(UUID.randomUUID(), sourceId, targetId, authorId, phrase, clientId))
        .map(rows -> one(rows, Connection::from));
  }

  public Future<Connection> connectionByClientId(SqlConnection conn, UUID authorId, String clientId) {
    return conn.preparedQuery(CONNECTION_BY_CLIENT_ID).execute(Tuple.of(authorId, clientId))
        .map(rows -> one(rows, Connection::from));
  }

  public Future<Connection> findConnection(SqlConnection conn, UUID id) {
    return conn.preparedQuery(CONNECTION_FIND).execute(Tuple.of(id)).map(rows -> one(rows, Connection::from));
  }

  public Future<Long> connectionCount(SqlConnection conn, UUID sourceId) {
    return conn.preparedQuery(CONNECTION_COUNT).execute(Tuple.of(sourceId))
        .map(rows -> rows.iterator().next().getLong("n"));
  }

  public Future<List<Connection>> outgoing(SqlConnection conn, UUID sourceId) {
    return conn.preparedQuery(OUT).execute(Tuple.of(sourceId)).map(rows -> all(rows, Connection::from));
  }

  public Future<List<Connection>> incoming(SqlConnection conn, UUID targetId, int limit) {
    return conn.preparedQuery(IN).execute(Tuple.of(targetId, limit)).map(rows -> all(rows, Connection::from));
  }

  public Future<List<Connection>> touching(SqlConnection conn, UUID cotoId) {
    return conn.preparedQuery(TOUCHING).execute(Tuple.of(cotoId)).map(rows -> all(rows, Connection::from));
  }

  public Future<Void> disconnect(SqlConnection conn, UUID id) {
    return conn.preparedQuery(DISCONNECT).execute(Tuple.of(id)).mapEmpty();
  }

  public Future<Connection> relabel(SqlConnection conn, UUID id, String phrase) {
    return conn.preparedQuery(RELABEL).execute(Tuple.of(id, phrase)).map(rows -> one(rows, Connection::from));
  }

  public Future<Void> connectionPositions(SqlConnection conn, List<UUID> ordered) {
    return positions(conn, CONNECTION_POSITION, ordered);
  }

  /** The ids of the cotos reachable from the stock's pins, nearest first. */
  public Future<List<UUID>> reachable(SqlConnection conn, String stock, int depth, int limit) {
    return conn.preparedQuery(REACHABLE).execute(Tuple.of(stock, depth, limit)).map(rows -> {
      List<UUID> ids = new ArrayList<>(rows.size());
      rows.forEach(row -> ids.add(row.getUUID("id")));
      return ids;
    });
  }

  public Future<List<Connection>> among(SqlConnection conn, List<UUID> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return conn.preparedQuery(AMONG).execute(Tuple.tuple().addArrayOfUUID(ids.toArray(new UUID[0])))
        .map(rows -> all(rows, Connection::from));
  }

  public Future<List<Connection>> inCotonoma(SqlConnection conn, String cotonomaKey, int limit) {
    return conn.preparedQuery(IN_COTONOMA).execute(Tuple.of(cotonomaKey, limit))
        .map(rows -> all(rows, Connection::from));
  }

  private static Future<Void> positions(SqlConnection conn, String sql, List<UUID> ordered) {
    List<Tuple> batch = new ArrayList<>(ordered.size());
    for (int i = 0; i < ordered.size(); i++) {
      batch.add(Tuple.of(ordered.get(i), i));
    }
    return batch.isEmpty() ? Future.succeededFuture() : conn.preparedQuery(sql).executeBatch(batch).mapEmpty();
  }

  private static <T> T one(RowSet<Row> rows, Function<Row, T> from) {
    return rows.size() == 0 ? null : from.apply(rows.iterator().next());
  }

  private static <T> List<T> all(RowSet<Row> rows, Function<Row, T> from) {
    List<T> list = new ArrayList<>(rows.size());
    rows.forEach(row -> list.add(from.apply(row)));
    return list;
  }
}
