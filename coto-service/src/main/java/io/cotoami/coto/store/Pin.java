package io.cotoami.coto.store;

import io.cotoami.common.http.Timestamps;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A coto pinned to a stock ({@code cotonoma:<key>} or {@code home:<user id>}), at a position. */
public record Pin(UUID id, String stock, UUID cotoId, UUID authorId, int position, OffsetDateTime createdAt) {
  static final String COLUMNS = "p.id, p.stock, p.coto_id, p.author_id, p.position, p.created_at";

  static Pin from(Row row) {
    return new Pin(row.getUUID("id"), row.getString("stock"), row.getUUID("coto_id"), row.getUUID("author_id"),
        row.getInteger("position"), row.getOffsetDateTime("created_at"));
  }

  public JsonObject toJson() {
    return new JsonObject().put("id", id.toString()).put("stock", stock).put("cotoId", cotoId.toString())
        .put("authorId", authorId.toString()).put("position", position)
        .put("createdAt", Timestamps.format(createdAt));
  }
}
