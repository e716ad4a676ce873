package io.cotoami.gateway.live;

import io.cotoami.common.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Who is viewing each cotonoma, where every gateway replica can see it: one cluster-wide map per
 * cotonoma, an entry per viewing socket with a time to live. The gateway holding the socket
 * renews its entries; when a gateway dies its entries expire by themselves (no ghosts after
 * {@code ttl}), and every gateway looks again at each renewal.
 */
final class Presence {
  private static final String MAP_PREFIX = "cotoami.presence.";
  /** Viewers listed by name in a presence frame; the frame also says how many there are in all. */
  static final int MAX_LISTED = 20;
  private final Vertx vertx;
  private final Duration ttl;

  Presence(Vertx vertx, Duration ttl) {
    this.vertx = vertx;
    this.ttl = ttl;
  }

  Duration ttl() {
    return ttl;
  }

  /**
   * How long a read of the viewers may take before it is given up and tried again: a third of
   * the time to live (the renewal period), at most 2 s and at least 100 ms. A healthy read takes
   * milliseconds; one stuck on a member that froze or is leaving may take Hazelcast's whole
   * operation timeout.
   */
  Duration readDeadline() {
    long third = ttl.toMillis() / 3;
    return Duration.ofMillis(Math.max(100, Math.min(2000, third)));
  }

  Future<Void> join(String timeline, String socketId, JsonObject user) {
    return map(timeline).compose(map -> map.put(socketId, user.encode(), ttl.toMillis()))
        .onSuccess(v -> changed(timeline));
  }

  Future<Void> renew(String timeline, String socketId, JsonObject user) {
    return map(timeline).compose(map -> map.put(socketId, user.encode(), ttl.toMillis()));
  }

  Future<Void> leave(String timeline, String socketId) {
    return map(timeline).compose(map -> map.remove(socketId)).<Void>mapEmpty()
        .onSuccess(v -> changed(timeline));
  }

  /**
   * The distinct users viewing the timeline now: {@code count} of them, and the first
   * {@link #MAX_LISTED} by name as {@code viewers}, so a frame stays small in a crowded room.
   */
  Future<JsonObject> viewers(String timeline) {
    return map(timeline).compose(AsyncMap::values).map(values -> {
      Map<String, JsonObject> byUser = new HashMap<>();
      values.forEach(value -> {
        JsonObject user = new JsonObject(value);
        byUser.putIfAbsent(user.getString("userId"), user);
      });
      List<JsonObject> listed = byUser.values().stream()
          .sorted(Comparator.comparing((JsonObject u) -> String.valueOf(u.getString("name")))
              .thenComparing(u -> u.getString("userId")))
          .limit(MAX_LISTED).toList();
      return new JsonObject().put("viewers", new JsonArray(listed)).put("count", byUser.size());
    });
  }

  private void changed(String timeline) {
    vertx.eventBus().publish(Addresses.PRESENCE_CHANGED, new JsonObject().put("timeline", timeline));
  }

  private Future<AsyncMap<String, String>> map(String timeline) {
    return vertx.sharedData().getClusterWideMap(MAP_PREFIX + timeline);
  }
}
