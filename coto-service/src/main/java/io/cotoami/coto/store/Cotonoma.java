package io.cotoami.coto.store;

import io.cotoami.common.http.Timestamps;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A cotonoma: a room of cotos, possibly inside another.
 *
 * @param allowed whether the caller it was read for may open it (see {@link Access})
 * @param managed whether that caller has the owner's rights over it: rename, delete, members, others' cotos
 */
public record Cotonoma(String key, String name, UUID ownerId, String parentKey, OffsetDateTime createdAt,
    OffsetDateTime updatedAt, boolean allowed, boolean managed) {

  static final String COLUMNS = "n.key, n.name, n.owner_id, n.parent_key, n.created_at, n.updated_at";

  static Cotonoma from(Row row, boolean allowed, boolean managed) {
    return new Cotonoma(row.getString("key"), row.getString("name"), row.getUUID("owner_id"),
        row.getString("parent_key"), row.getOffsetDateTime("created_at"), row.getOffsetDateTime("updated_at"),
        allowed, managed);
  }

  public boolean ownedBy(UUID userId) {
    return ownerId.equals(userId);
  }

  public Cotonoma renamed(String newName, OffsetDateTime at) {
    return new Cotonoma(key, newName, ownerId, parentKey, createdAt, at, allowed, managed);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("key", key)
        .put("name", name)
        .put("ownerId", ownerId.toString())
        .put("parentKey", parentKey)
        .put("createdAt", Timestamps.format(createdAt))
        .put("updatedAt", Timestamps.format(updatedAt));
  }
}
