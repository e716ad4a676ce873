package io.cotoami.coto.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** A person's own list of cotonomas (owned or shared with them) and how far they have read each: the SQL. */
public final class MyCotonomaRepository {
  /**
   * The cotonomas $1 (user id) owns or $2 (email) is a member of, most recently active first:
   * activity is the newest coto posted in it, or its own creation. The page starts strictly
   * after the cursor ($3 activity seq, $4 key).
   */
  private static final String PAGE = "SELECT mine.*, (SELECT c.posted_at FROM cotos c WHERE c.seq = mine.active_seq) "
      + "AS active_at FROM ("
      + "SELECT " + Cotonoma.COLUMNS + ", n.owner_id = $1 AS owned, "
      // Each through its own index: the newest coto in it, and the coto that announced it.
      + "greatest((SELECT max(c.seq) FROM cotos c WHERE c.cotonoma_key = n.key), "
      + "(SELECT a.seq FROM cotos a WHERE a.as_cotonoma = n.key)) AS active_seq, "
      + "EXISTS (SELECT 1 FROM cotos c WHERE c.cotonoma_key = n.key AND c.author_id <> $1 "
      + "AND c.seq > coalesce(r.seen_seq, 0)) AS unread "
      + "FROM cotonomas n "
      + "LEFT JOIN cotonoma_reads r ON r.user_id = $1 AND r.cotonoma_key = n.key "
      + "WHERE n.key IN (SELECT o.key FROM cotonomas o WHERE o.owner_id = $1 "
      + "UNION SELECT m.cotonoma_key FROM members m WHERE m.email = $2)"
      + ") mine WHERE (active_seq, key) < ($3, $4) ORDER BY active_seq DESC, key DESC LIMIT $5";
  private static final String READ = "INSERT INTO cotonoma_reads (user_id, cotonoma_key, seen_seq) "
      + "SELECT $1, $2, coalesce(max(c.seq), 0) FROM cotos c WHERE c.cotonoma_key = $2 "
      + "ON CONFLICT (user_id, cotonoma_key) DO UPDATE SET seen_seq = greatest(cotonoma_reads.seen_seq, "
      + "EXCLUDED.seen_seq)";

  /** One line of the list, before the caller's rights are checked. */
  public record Entry(Cotonoma cotonoma, boolean owned, long activeSeq, OffsetDateTime activeAt, boolean unread) {
  }

  /** A page of candidates; {@code beforeSeq} null: from the most recent. */
  public Future<List<Entry>> page(SqlConnection conn, UUID userId, String email, Long beforeSeq, String beforeKey,
      int limit) {
    Tuple params = Tuple.of(userId, email, beforeSeq == null ? Long.MAX_VALUE : beforeSeq,
        beforeKey == null ? "" : beforeKey, limit);
    return conn.preparedQuery(PAGE).execute(params).map(rows -> {
          List<Entry> entries = new ArrayList<>(rows.size());
          for (Row row : rows) {
            entries.add(new Entry(Cotonoma.from(row, true, row.getBoolean("owned")), row.getBoolean("owned"),
                row.getLong("active_seq"), row.getOffsetDateTime("active_at"), row.getBoolean("unread")));
          }
          return entries;
        });
  }

  /** Marks everything posted in the cotonoma so far as read by {@code userId}; never moves backwards. */
  public Future<Void> markRead(SqlConnection conn, UUID userId, String key) {
    return conn.preparedQuery(READ).execute(Tuple.of(userId, key)).mapEmpty();
  }
}
