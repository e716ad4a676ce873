package io.cotoami.gateway.live;

import io.cotoami.common.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Who is viewing each cotonoma, where every gateway replica can see it: one cluster-wide map per
 * cotonoma, an entry per viewing socket with a time to live. The gateway holding the socket
 * renews its entries; when a gateway dies its entries expire by themselves (no ghosts after
 * {@code ttl}), and every gateway re-sends the viewers to its subscribers on each renewal.
 */
final class Presence {
  private static final String MAP_PREFIX = "cotoami.presence.";
  private final Vertx vertx;
  private final Duration ttl;

  Presence(Vertx vertx, Duration ttl) {
    this.vertx = vertx;
    this.ttl = ttl;
  }

  Duration ttl() {
    return ttl;
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

  /** The distinct users viewing the timeline now. */
  Future<JsonArray> viewers(String timeline) {
    return map(timeline).compose(AsyncMap::entries).map(entries -> {
      Map<String, JsonObject> byUser = new LinkedHashMap<>();
      entries.values().forEach(value -> {
        JsonObject user = new JsonObject(value);
        byUser.putIfAbsent(user.getString("userId"), user);
      });
      return new JsonArray(java.util.List.copyOf(byUser.values()));
    });
  }

  private void changed(String timeline) {
    vertx.eventBus().publish(Addresses.PRESENCE_CHANGED, new JsonObject().put("timeline", timeline));
  }

  private Future<AsyncMap<String, String>> map(String timeline) {
    return vertx.sharedData().getClusterWideMap(MAP_PREFIX + timeline);
  }
}
