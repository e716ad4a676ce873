package io.cotoami.coto.store;

import io.cotoami.common.http.Timestamps;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Cotonomas and their members in PostgreSQL: every SQL statement about them is here. */
public final class CotonomaRepository {
  /** The caller's ($2 user id, $3 normalized email) relation to cotonoma {@code n}, for {@link Access}. */
  private static final String RELATION = "n.owner_id = $2 AS is_owner, EXISTS (SELECT 1 FROM members m "
      + "WHERE m.cotonoma_key = n.key AND m.email = $3) AS is_member";
  private static final String INSERT = "INSERT INTO cotonomas AS n (key, name, owner_id, parent_key) "
      + "VALUES ($1, $2, $3, $4) RETURNING " + Cotonoma.COLUMNS;
  private static final String LOCK = "SELECT n.key FROM cotonomas n WHERE n.key = $1";
  /** From the top down to the cotonoma itself. Parents never change, so the walk always ends. */
  private static final String PATH = "WITH RECURSIVE path AS ("
      + "SELECT key, parent_key, 0 AS depth FROM cotonomas WHERE key = $1 "
      + "UNION ALL "
      + "SELECT p.key, p.parent_key, path.depth + 1 FROM cotonomas p JOIN path ON p.key = path.parent_key) "
      + "SELECT " + Cotonoma.COLUMNS + ", " + RELATION
      + " FROM path JOIN cotonomas n ON n.key = path.key ORDER BY path.depth DESC";
  private static final String CHILDREN = "SELECT " + Cotonoma.COLUMNS
      + " FROM cotonomas n WHERE n.parent_key = $1 ORDER BY n.created_at, n.key";
  /**
   * The sub-cotonomas, at any depth, that {@code $2} (an email) may open only through {@code $1}:
   * the walk stops where that email is a member itself.
   */
  private static final String ONLY_THROUGH = "WITH RECURSIVE sub AS ("
      + "SELECT n.key FROM cotonomas n WHERE n.parent_key = $1 AND NOT EXISTS (SELECT 1 FROM members m "
      + "WHERE m.cotonoma_key = n.key AND m.email = $2) "
      + "UNION ALL "
      + "SELECT n.key FROM cotonomas n JOIN sub ON n.parent_key = sub.key WHERE NOT EXISTS (SELECT 1 FROM members m "
      + "WHERE m.cotonoma_key = n.key AND m.email = $2)) "
      + "SELECT key FROM sub";
  private static final String RENAME = "UPDATE cotonomas SET name = $2, updated_at = now() WHERE key = $1 "
      + "RETURNING updated_at";
  private static final String DELETE = "DELETE FROM cotonomas WHERE key = $1";
  private static final String MEMBERS = "SELECT email, added_at FROM members WHERE cotonoma_key = $1 ORDER BY email";
  private static final String ADD_MEMBER = "INSERT INTO members (cotonoma_key, email) VALUES ($1, $2) "
      + "ON CONFLICT DO NOTHING RETURNING email, added_at";
  private static final String MEMBER = "SELECT email, added_at FROM members WHERE cotonoma_key = $1 AND email = $2";
  private static final String REMOVE_MEMBER = "DELETE FROM members WHERE cotonoma_key = $1 AND email = $2 "
      + "RETURNING email, added_at";

  /** Fails with SQLSTATE 23505 when the owner already has a cotonoma of that name. */
  public Future<Cotonoma> insert(SqlConnection conn, String key, String name, UUID ownerId, String parentKey) {
    return conn.preparedQuery(INSERT).execute(Tuple.of(key, name, ownerId, parentKey))
        .map(rows -> Cotonoma.from(rows.iterator().next(), true, true));
  }

  /**
   * The cotonoma with the caller's rights on it, or null. {@code lock}: "" (none), "FOR SHARE"
   * (it must not go away before commit) or "FOR UPDATE".
   */
  public Future<Cotonoma> find(SqlConnection conn, String key, UUID callerId, String callerEmail, String lock) {
    Future<Boolean> locked = lock.isEmpty() ? Future.succeededFuture(true)
        : conn.preparedQuery(LOCK + " " + lock + " OF n").execute(Tuple.of(key)).map(rows -> rows.size() > 0);
    return locked.compose(exists -> !exists ? Future.succeededFuture(null)
        : path(conn, key, callerId, callerEmail).map(path -> path.isEmpty() ? null : path.get(path.size() - 1)));
  }

  /** From the top cotonoma down to {@code key} itself, each with the caller's rights; empty when there is none. */
  public Future<List<Cotonoma>> path(SqlConnection conn, String key, UUID callerId, String callerEmail) {
    return conn.preparedQuery(PATH).execute(Tuple.of(key, callerId, callerEmail)).map(rows -> {
      List<Row> topDown = new ArrayList<>(rows.size());
      rows.forEach(topDown::add);
      return Access.fold(topDown);
    });
  }

  /** The sub-cotonomas of one the caller may open: they may open them all (membership inherits). */
  public Future<List<Cotonoma>> children(SqlConnection conn, String key) {
    return conn.preparedQuery(CHILDREN).execute(Tuple.of(key)).map(rows -> {
      List<Cotonoma> list = new ArrayList<>(rows.size());
      rows.forEach(row -> list.add(Cotonoma.from(row, true, false)));
      return list;
    });
  }

  /** The keys of the sub-cotonomas an email may open only through {@code key} (any depth). */
  public Future<List<String>> onlyThrough(SqlConnection conn, String key, String email) {
    return conn.preparedQuery(ONLY_THROUGH).execute(Tuple.of(key, email)).map(rows -> {
      List<String> keys = new ArrayList<>(rows.size());
      rows.forEach(row -> keys.add(row.getString("key")));
      return keys;
    });
  }

  /** Fails with SQLSTATE 23505 when the owner already has a cotonoma of that name. */
  public Future<OffsetDateTime> rename(SqlConnection conn, String key, String name) {
    return conn.preparedQuery(RENAME).execute(Tuple.of(key, name))
        .map(rows -> rows.iterator().next().getOffsetDateTime("updated_at"));
  }

  public Future<Void> delete(SqlConnection conn, String key) {
    return conn.preparedQuery(DELETE).execute(Tuple.of(key)).mapEmpty();
  }

  public Future<List<JsonObject>> members(SqlConnection conn, String key) {
    return conn.preparedQuery(MEMBERS).execute(Tuple.of(key)).map(rows -> {
      List<JsonObject> members = new ArrayList<>(rows.size());
      rows.forEach(row -> members.add(member(row)));
      return members;
    });
  }

  /** The new member, or null when that email already was one. */
  public Future<JsonObject> addMember(SqlConnection conn, String key, String email) {
    return conn.preparedQuery(ADD_MEMBER).execute(Tuple.of(key, email))
        .map(rows -> rows.size() == 0 ? null : member(rows.iterator().next()));
  }

  /** The membership of that email, or null when it is not a member. */
  public Future<JsonObject> member(SqlConnection conn, String key, String email) {
    return conn.preparedQuery(MEMBER).execute(Tuple.of(key, email))
        .map(rows -> rows.size() == 0 ? null : member(rows.iterator().next()));
  }

  /** The removed member, or null when that email was not one. */
  public Future<JsonObject> removeMember(SqlConnection conn, String key, String email) {
    return conn.preparedQuery(REMOVE_MEMBER).execute(Tuple.of(key, email))
        .map(rows -> rows.size() == 0 ? null : member(rows.iterator().next()));
  }

  private static JsonObject member(Row row) {
    return new JsonObject().put("email", row.getString("email"))
        .put("addedAt", Timestamps.format(row.getOffsetDateTime("added_at")));
  }
}
