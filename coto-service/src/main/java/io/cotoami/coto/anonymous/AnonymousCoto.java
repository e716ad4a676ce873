package io.cotoami.coto.anonymous;

import io.cotoami.common.http.Timestamps;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * A coto posted without signing in. It lives in Redis under its visitor's anonymous id.
 *
 * @param seq       per-visitor sequence: the timeline order, the page cursor and the event id
 * @param updatedAt when it was last edited, or null
 */
public record AnonymousCoto(String id, long seq, String content, String summary, Instant postedAt,
                            Instant updatedAt) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("content", content)
        .put("summary", summary)
        .put("postedAt", Timestamps.format(postedAt))
        .put("updatedAt", Timestamps.format(updatedAt))
        .put("anonymous", true);
  }

  /** As kept in Redis; the client id it was posted with, if any, is kept so that deleting it frees that id. */
  String toStored(String clientId) {
    JsonObject json = new JsonObject().put("id", id).put("seq", seq).put("content", content).put("summary", summary)
        .put("postedAt", postedAt.toString());
    if (clientId != null) {
      json.put("clientId", clientId);
    }
    return json.encode();
  }

  static AnonymousCoto fromStored(String stored) {
    JsonObject json = new JsonObject(stored);
    String updatedAt = json.getValue("updatedAt") instanceof String ? json.getString("updatedAt") : null;
    String summary = json.getValue("summary") instanceof String ? json.getString("summary") : null;
    return new AnonymousCoto(json.getString("id"), json.getLong("seq"), json.getString("content"), summary,
        Instant.parse(json.getString("postedAt")), updatedAt == null ? null : Instant.parse(updatedAt));
  }
}
