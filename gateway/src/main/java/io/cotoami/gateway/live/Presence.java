package io.cotoami.gateway.live;

import io.cotoami.common.bus.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Who is viewing each cotonoma, on every gateway replica, without a cluster-wide read: each
 * gateway publishes a {@link PresenceSummary} of its own viewers of a cotonoma on
 * {@code gateway.events.presence} when they change, and all of them again every third of the
 * time to live; every gateway keeps the others' latest summaries ({@link PresenceBook}) and
 * drops one that was not renewed within the TTL, so a dead, frozen or cut-off gateway's viewers
 * vanish by themselves, after the TTL, whatever Hazelcast is doing meanwhile. One per
 * {@link LiveSockets}, used on its event loop.
 */
final class Presence {
  private final Vertx vertx;
  private final Duration ttl;
  private final PresenceBook book;
  /** The summary last published for each timeline this gateway's sockets view. */
  private final Map<String, PresenceSummary> published = new HashMap<>();

  Presence(Vertx vertx, Duration ttl) {
    this.vertx = vertx;
    this.ttl = ttl;
    this.book = new PresenceBook(UUID.randomUUID().toString(), ttl.toMillis());
  }

  Duration ttl() {
    return ttl;
  }

  /** A socket here views the timeline (again, or under a new name): published if that changes its summary. */
  void join(String timeline, String socketId, JsonObject user) {
    book.join(timeline, socketId, user);
    publishIfChanged(timeline);
  }

  void leave(String timeline, String socketId) {
    book.leave(timeline, socketId);
    publishIfChanged(timeline);
  }

  /**
   * Another gateway's summary; returns its timeline when that changes the viewers there, else null.
   * A malformed one fails with {@link IllegalArgumentException}.
   */
  String heard(JsonObject body) {
    PresenceSummary summary = PresenceSummary.fromJson(body);
    return book.heard(summary, now()) ? summary.timeline() : null;
  }

  /** Publishes every summary of this gateway again, and drops the lapsed ones of others; returns the timelines that changed. */
  Set<String> renew() {
    for (String timeline : book.timelines()) {
      publish(book.summary(timeline));
    }
    return book.lapse(now());
  }

  /** The distinct viewers on every gateway: {@code count}, and the first {@link PresenceBook#MAX_LISTED} as {@code viewers}. */
  JsonObject viewers(String timeline) {
    return book.viewers(timeline);
  }

  private void publishIfChanged(String timeline) {
    PresenceSummary summary = book.summary(timeline);
    PresenceSummary last = published.get(timeline);
    if (summary.count() == 0 ? last != null : !summary.equals(last)) {
      publish(summary);
    }
  }

  private void publish(PresenceSummary summary) {
    if (summary.count() == 0) {
      published.remove(summary.timeline());
    } else {
      published.put(summary.timeline(), summary);
    }
    vertx.eventBus().publish(Addresses.PRESENCE, summary.toJson());
  }

  private static long now() {
    return System.nanoTime() / 1_000_000;
  }
}
