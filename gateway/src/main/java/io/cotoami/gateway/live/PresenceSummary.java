package io.cotoami.gateway.live;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * What one gateway (one {@link LiveSockets}) knows of a cotonoma's viewers: the bus body of
 * {@code gateway.events.presence}, published when its viewers change and again at every renewal.
 *
 * @param source   which gateway's sockets these are (random per {@link LiveSockets})
 * @param timeline the cotonoma's bus name
 * @param listed   its first {@link PresenceBook#MAX_LISTED} distinct viewers by name ({@code userId},
 *                 {@code name}, {@code avatarUrl}), which are enough for the merged first 20
 * @param ids      every distinct viewer's user id, or null when there are more than
 *                 {@link PresenceBook#MAX_IDS} (then only {@code count} is said)
 * @param count    how many distinct viewers it has; 0 says the last one left
 */
record PresenceSummary(String source, String timeline, List<JsonObject> listed, List<String> ids, int count) {
  PresenceSummary {
    if (source == null || timeline == null || listed == null || count < 0) {
      throw new IllegalArgumentException("a presence summary needs a source, a timeline, its listed viewers and a count");
    }
    listed = List.copyOf(listed);
    ids = ids == null ? null : List.copyOf(ids);
  }

  JsonObject toJson() {
    JsonObject json = new JsonObject().put("source", source).put("timeline", timeline)
        .put("listed", new JsonArray(List.copyOf(listed))).put("count", count);
    return ids == null ? json : json.put("ids", new JsonArray(List.copyOf(ids)));
  }

  /** Reads a summary; fails with {@link IllegalArgumentException} on a malformed one. */
  static PresenceSummary fromJson(JsonObject json) {
    try {
      JsonArray listed = json.getJsonArray("listed");
      JsonArray ids = json.getJsonArray("ids");
      Integer count = json.getInteger("count");
      return new PresenceSummary(json.getString("source"), json.getString("timeline"),
          listed == null ? null : listed.stream().map(JsonObject.class::cast).toList(),
          ids == null ? null : ids.stream().map(String.class::cast).toList(), count == null ? -1 : count);
    } catch (ClassCastException e) {
      throw new IllegalArgumentException("a malformed presence summary: " + e.getMessage(), e);
    }
  }
}
