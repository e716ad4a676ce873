package io.cotoami.coto.store;

import io.cotoami.common.http.Timestamps;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A signed-in user's coto.
 *
 * @param seq         strictly increasing: the order of timelines and the cursor of their pages
 * @param cotonomaKey the cotonoma it was posted in, or null
 * @param asCotonoma  the cotonoma this coto announces (its content is the cotonoma's name), or null
 * @param repostOf    for a repost, the original it shows (content and summary are the original's,
 *                    read through); null for an original
 * @param repostAuthorId for a repost, who wrote the original
 */
public record Coto(UUID id, long seq, UUID authorId, String content, String summary, String cotonomaKey,
    String asCotonoma, OffsetDateTime postedAt, OffsetDateTime updatedAt, UUID repostOf, UUID repostAuthorId) {

  /**
   * The columns {@link #from(Row)} reads, from {@code cotos c}. A repost's text is its original's,
   * read through: the sub-selects run only for reposts (an original's own columns short-circuit them).
   */
  static final String COLUMNS = "c.id, c.seq, c.author_id, "
      + "COALESCE(c.content, (SELECT o.content FROM cotos o WHERE o.id = c.repost_of)) AS content, "
      + "CASE WHEN c.repost_of IS NULL THEN c.summary "
      + "ELSE (SELECT o.summary FROM cotos o WHERE o.id = c.repost_of) END AS summary, "
      + "c.cotonoma_key, c.as_cotonoma, c.posted_at, c.updated_at, c.repost_of, "
      + "CASE WHEN c.repost_of IS NULL THEN NULL "
      + "ELSE (SELECT o.author_id FROM cotos o WHERE o.id = c.repost_of) END AS repost_author_id";

  static Coto from(Row row) {
    return new Coto(row.getUUID("id"), row.getLong("seq"), row.getUUID("author_id"), row.getString("content"),
        row.getString("summary"), row.getString("cotonoma_key"), row.getString("as_cotonoma"),
        row.getOffsetDateTime("posted_at"), row.getOffsetDateTime("updated_at"), row.getUUID("repost_of"),
        row.getUUID("repost_author_id"));
  }

  public boolean isRepost() {
    return repostOf != null;
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("id", id.toString())
        .put("content", content)
        .put("summary", summary)
        .put("authorId", authorId.toString())
        .put("cotonomaKey", cotonomaKey)
        .put("postedAt", Timestamps.format(postedAt))
        .put("updatedAt", Timestamps.format(updatedAt))
        .put("anonymous", false);
    if (asCotonoma != null) {
      json.put("cotonoma", new JsonObject().put("key", asCotonoma).put("name", content));
    }
    if (repostOf != null) {
      // Never the original's cotonoma: its key is not the business of the repost's readers.
      json.put("repostOf", new JsonObject().put("id", repostOf.toString()).put("authorId", repostAuthorId.toString()));
    }
    return json;
  }
}
