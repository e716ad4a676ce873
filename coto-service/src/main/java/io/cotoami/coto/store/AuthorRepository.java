package io.cotoami.coto.store;

import io.cotoami.common.bus.TimelineNames;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Where a person's name is shown: the SQL behind announcing a rename. */
public final class AuthorRepository {
  /**
   * The cotonomas a person owns, is a member of (by email) or posted in, the most recently
   * active first (created, added, last posted), at most {@code $3}.
   */
  private static final String SHOWN_IN = """
      SELECT key FROM (
        SELECT key, created_at AS at FROM cotonomas WHERE owner_id = $1
        UNION ALL SELECT cotonoma_key, added_at FROM members WHERE email = $2
        UNION ALL SELECT cotonoma_key, max(posted_at) FROM cotos
          WHERE author_id = $1 AND cotonoma_key IS NOT NULL GROUP BY cotonoma_key
      ) shown GROUP BY key ORDER BY max(at) DESC, key LIMIT $3""";

  /** The bus names of the person's home and of at most {@code maxCotonomas} cotonomas that show them. */
  public Future<List<String>> timelinesShowing(SqlConnection conn, UUID userId, String email, int maxCotonomas) {
    return conn.preparedQuery(SHOWN_IN).execute(Tuple.of(userId, email.strip().toLowerCase(java.util.Locale.ROOT),
        maxCotonomas)).map(rows -> {
          List<String> timelines = new ArrayList<>(rows.size() + 1);
          timelines.add(TimelineNames.home(userId.toString()));
          rows.forEach(row -> timelines.add(TimelineNames.cotonoma(row.getString("key"))));
          return timelines;
        });
  }
}
