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
 */
public record Coto(UUID id, long seq, UUID authorId, String content, String summary, String cotonomaKey,
    String asCotonoma, OffsetDateTime postedAt, OffsetDateTime updatedAt) {

  /** The columns {@link #from(Row)} reads, from {@code cotos c}. */
  static final String COLUMNS =
      "c.id, c.seq, c.author_id, c.content, c.summary, c.cotonoma_key, c.as_cotonoma, c.posted_at, c.updated_at";

  static Coto from(Row row) {
    return new Coto(row.getUUID("id"), row.getLong("seq"), row.getUUID("author_id"), row.getString("content"),
        row.getString("summary"), row.getString("cotonoma_key"), row.getString("as_cotonoma"),
        row.getOffsetDateTime("posted_at"), row.getOffsetDateTime("updated_at"));
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
    return json;
  }
}
