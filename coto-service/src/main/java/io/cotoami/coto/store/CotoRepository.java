package io.cotoami.coto.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Signed-in users' cotos in PostgreSQL: every SQL statement about them is here. */
public final class CotoRepository {
  private static final String INSERT = "INSERT INTO cotos AS c "
      + "(id, author_id, content, summary, client_id, cotonoma_key, as_cotonoma) "
      + "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING " + Coto.COLUMNS;
  private static final String BY_CLIENT_ID = "SELECT " + Coto.COLUMNS
      + " FROM cotos c WHERE c.author_id = $1 AND c.client_id = $2";
  private static final String FIND = "SELECT " + Coto.COLUMNS + " FROM cotos c WHERE c.id = $1";
  private static final String UPDATE = "UPDATE cotos AS c SET content = $2, summary = $3, updated_at = now() "
      + "WHERE c.id = $1 RETURNING " + Coto.COLUMNS;
  private static final String UPDATE_ANNOUNCING = "UPDATE cotos AS c SET content = $2, updated_at = now() "
      + "WHERE c.as_cotonoma = $1 RETURNING " + Coto.COLUMNS;
  private static final String COTONOMATIZE = "UPDATE cotos AS c SET as_cotonoma = $2, content = $3, "
      + "updated_at = now() WHERE c.id = $1 AND c.as_cotonoma IS NULL RETURNING " + Coto.COLUMNS;
  private static final String REPOST = "INSERT INTO cotos AS c (id, author_id, cotonoma_key, repost_of) "
      + "VALUES ($1, $2, $3, $4) ON CONFLICT ON CONSTRAINT cotos_repost_once_per_cotonoma DO NOTHING RETURNING "
      + Coto.COLUMNS;
  private static final String REPOST_IN = "SELECT " + Coto.COLUMNS
      + " FROM cotos c WHERE c.repost_of = $1 AND c.cotonoma_key = $2";
  private static final String REPOSTS_OF = "SELECT " + Coto.COLUMNS + " FROM cotos c WHERE c.repost_of = $1";
  private static final String DELETE = "DELETE FROM cotos c WHERE c.id = $1";
  private static final String DELETE_ANNOUNCING = "DELETE FROM cotos AS c WHERE c.as_cotonoma = $1 RETURNING "
      + Coto.COLUMNS;
  private static final String HOME = "SELECT " + Coto.COLUMNS
      + " FROM cotos c WHERE c.author_id = $1 AND c.seq < $2 ORDER BY c.seq DESC LIMIT $3";
  private static final String IN_COTONOMA = "SELECT " + Coto.COLUMNS
      + " FROM cotos c WHERE c.cotonoma_key = $1 AND c.seq < $2 ORDER BY c.seq DESC LIMIT $3";
  private static final String ANY_IN_COTONOMA = "SELECT EXISTS (SELECT 1 FROM cotos WHERE cotonoma_key = $1) AS any";

  /** Inserts a coto; with a client id already used by this author it fails with SQLSTATE 23505. */
  public Future<Coto> insert(SqlConnection conn, UUID authorId, String content, String summary, String clientId,
      String cotonomaKey, String asCotonoma) {
    return conn.preparedQuery(INSERT)
        .execute(Tuple.of(UUID.randomUUID(), authorId, content, summary, clientId, cotonomaKey, asCotonoma))
        .map(CotoRepository::one);
  }

  public Future<Coto> findByClientId(SqlConnection conn, UUID authorId, String clientId) {
    return conn.preparedQuery(BY_CLIENT_ID).execute(Tuple.of(authorId, clientId)).map(CotoRepository::one);
  }

  /** The coto, or null; {@code forUpdate} locks it until the transaction ends. Who may read it is for the caller to say. */
  public Future<Coto> find(SqlConnection conn, UUID id, boolean forUpdate) {
    return conn.preparedQuery(forUpdate ? FIND + " FOR UPDATE OF c" : FIND).execute(Tuple.of(id))
        .map(CotoRepository::one);
  }

  public Future<Coto> update(SqlConnection conn, UUID id, String content, String summary) {
    return conn.preparedQuery(UPDATE).execute(Tuple.of(id, content, summary)).map(CotoRepository::one);
  }

  /** Keeps the coto that announces a cotonoma in step with its name. */
  public Future<Coto> renameAnnouncing(SqlConnection conn, String cotonomaKey, String name) {
    return conn.preparedQuery(UPDATE_ANNOUNCING).execute(Tuple.of(cotonomaKey, name)).map(CotoRepository::one);
  }

  /** Makes the coto announce {@code cotonomaKey}, its content the cotonoma's name; null when it already announces one. */
  public Future<Coto> cotonomatize(SqlConnection conn, UUID id, String cotonomaKey, String name) {
    return conn.preparedQuery(COTONOMATIZE).execute(Tuple.of(id, cotonomaKey, name)).map(CotoRepository::one);
  }

  /**
   * Reposts {@code originalId} into a cotonoma, or answers the repost already there (by anyone):
   * the unique constraint decides, so concurrent reposts give one.
   */
  public Future<Coto> repost(SqlConnection conn, UUID authorId, UUID originalId, String cotonomaKey) {
    return conn.preparedQuery(REPOST).execute(Tuple.of(UUID.randomUUID(), authorId, cotonomaKey, originalId))
        .map(CotoRepository::one);
  }

  public Future<Coto> repostIn(SqlConnection conn, UUID originalId, String cotonomaKey) {
    return conn.preparedQuery(REPOST_IN).execute(Tuple.of(originalId, cotonomaKey)).map(CotoRepository::one);
  }

  /** Every repost of a coto, wherever: they show its text, and go when it goes. */
  public Future<List<Coto>> repostsOf(SqlConnection conn, UUID originalId) {
    return conn.preparedQuery(REPOSTS_OF).execute(Tuple.of(originalId)).map(CotoRepository::all);
  }

  public Future<Void> delete(SqlConnection conn, UUID id) {
    return conn.preparedQuery(DELETE).execute(Tuple.of(id)).mapEmpty();
  }

  public Future<Coto> deleteAnnouncing(SqlConnection conn, String cotonomaKey) {
    return conn.preparedQuery(DELETE_ANNOUNCING).execute(Tuple.of(cotonomaKey)).map(CotoRepository::one);
  }

  /** A page of what {@code authorId} posted anywhere, newest first, strictly older than {@code before}. */
  public Future<List<Coto>> home(SqlConnection conn, UUID authorId, Long before, int limit) {
    return conn.preparedQuery(HOME).execute(Tuple.of(authorId, before == null ? Long.MAX_VALUE : before, limit))
        .map(CotoRepository::all);
  }

  /** A page of what was posted in a cotonoma, newest first, strictly older than {@code before}. */
  public Future<List<Coto>> inCotonoma(SqlConnection conn, String cotonomaKey, Long before, int limit) {
    return conn.preparedQuery(IN_COTONOMA)
        .execute(Tuple.of(cotonomaKey, before == null ? Long.MAX_VALUE : before, limit))
        .map(CotoRepository::all);
  }

  public Future<Boolean> anyIn(SqlConnection conn, String cotonomaKey) {
    return conn.preparedQuery(ANY_IN_COTONOMA).execute(Tuple.of(cotonomaKey))
        .map(rows -> rows.iterator().next().getBoolean("any"));
  }

  private static Coto one(RowSet<Row> rows) {
    return rows.size() == 0 ? null : Coto.from(rows.iterator().next());
  }

  private static List<Coto> all(RowSet<Row> rows) {
    List<Coto> cotos = new ArrayList<>(rows.size());
    rows.forEach(row -> cotos.add(Coto.from(row)));
    return cotos;
  }
}
