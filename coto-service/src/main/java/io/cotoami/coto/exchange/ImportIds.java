package io.cotoami.coto.exchange;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One person's document-to-row ids ({@code import_ids}), by kind ({@code cotonoma}, {@code coto},
 * {@code pin}, {@code connection}): what makes a second import of the same document write nothing.
 */
final class ImportIds {
  private static final String MAPPED = "SELECT source, target FROM import_ids WHERE user_id = $1 AND kind = $2 "
      + "AND source = ANY($3::text[])";
  private static final String MAP = "INSERT INTO import_ids (user_id, kind, source, target) "
      + "SELECT $1, $2, s, t FROM unnest($3::text[], $4::text[]) AS u(s, t)";

  private final SqlConnection conn;
  private final UUID userId;

  ImportIds(SqlConnection conn, UUID userId) {
    this.conn = conn;
    this.userId = userId;
  }

  /** This person's earlier imports of these document ids: source to target. */
  Future<Map<String, String>> mapped(String kind, List<String> sources) {
    return conn.preparedQuery(MAPPED).execute(Tuple.of(userId, kind, sources.toArray(String[]::new))).map(rows -> {
      Map<String, String> known = new HashMap<>();
      rows.forEach(row -> known.put(row.getString("source"), row.getString("target")));
      return known;
    });
  }

  /** Records that the document's {@code sources} were written as {@code targets}, pairwise. */
  Future<Void> map(String kind, List<String> sources, List<String> targets) {
    if (sources.isEmpty()) {
      return Future.succeededFuture();
    }
    return conn.preparedQuery(MAP).execute(Tuple.of(userId, kind, sources.toArray(String[]::new),
        targets.toArray(String[]::new))).mapEmpty();
  }
}
