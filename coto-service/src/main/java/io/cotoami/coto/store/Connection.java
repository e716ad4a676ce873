package io.cotoami.coto.store;

import io.cotoami.common.http.Timestamps;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A directed connection from one coto to another, ordered among its source's, with an optional phrase. */
public record Connection(UUID id, UUID sourceId, UUID targetId, UUID authorId, String linkingPhrase, int position,
    OffsetDateTime createdAt, OffsetDateTime updatedAt) {
  static final String COLUMNS = "k.id, k.source_id, k.target_id, k.author_id, k.linking_phrase, k.position, "
      + "k.created_at, k.updated_at";

  static Connection from(Row row) {
    return new Connection(row.getUUID("id"), row.getUUID("source_id"), row.getUUID("target_id"),
        row.getUUID("author_id"), row.getString("linking_phrase"), row.getInteger("position"),
        row.getOffsetDateTime("created_at"), row.getOffsetDateTime("updated_at"));
  }

  public JsonObject toJson() {
    return new JsonObject().put("id", id.toString()).put("sourceId", sourceId.toString())
        .put("targetId", targetId.toString()).put("authorId", authorId.toString())
        .put("linkingPhrase", linkingPhrase).put("position", position)
        .put("createdAt", Timestamps.format(createdAt)).put("updatedAt", Timestamps.format(updatedAt));
  }
}
