package io.cotoami.common.session;

import io.cotoami.common.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sessions signed out before their expiry, as this instance knows them. The truth lives in
 * auth-service's Redis; each instance keeps a copy fed by {@link Addresses#SESSION_REVOKED}
 * (published at every sign-out, so every instance refuses the session within moments) and seeded
 * at start, so the copy is the same on every replica and nothing depends on one instance.
 */
public final class RevokedSessions {
  private static final Logger LOG = LoggerFactory.getLogger(RevokedSessions.class);
  private static final long SWEEP_MILLIS = 60_000;

  /** Session id to the epoch millisecond after which the token has expired anyway. */
  private final Map<String, Long> revoked = new ConcurrentHashMap<>();
  private final MessageConsumer<JsonObject> consumer;
  private final long sweeper;
  private final Vertx vertx;

  private RevokedSessions(Vertx vertx) {
    this.vertx = vertx;
    this.consumer = vertx.eventBus().<JsonObject>consumer(Addresses.SESSION_REVOKED,
        message -> add(message.body()));
    this.sweeper = vertx.setPeriodic(SWEEP_MILLIS, id -> sweep());
  }

  /** Listens to revocations; seed it with {@link #seed} or {@link #seedFromAuthService}. */
  public static Future<RevokedSessions> listen(Vertx vertx) {
    RevokedSessions sessions = new RevokedSessions(vertx);
    return sessions.consumer.completion().map(sessions);
  }

  /**
   * Listens, then asks auth-service for what was revoked before this instance started. When no
   * auth-service answers (none started yet) it starts empty: later revocations still arrive.
   */
  public static Future<RevokedSessions> startFromAuthService(Vertx vertx, Duration timeout) {
    return listen(vertx).compose(sessions -> sessions.seedFromAuthService(timeout).map(sessions));
  }

  public Future<Void> seedFromAuthService(Duration timeout) {
    return vertx.eventBus().<JsonObject>request(Addresses.REVOKED_SESSIONS_LIST, new JsonObject(),
            new DeliveryOptions().setSendTimeout(timeout.toMillis()))
        .map(reply -> {
          seed(reply.body().getJsonArray("revoked", new JsonArray()));
          return (Void) null;
        })
        .recover(e -> {
          LOG.warn("Could not load revoked sessions from auth-service ({}); later sign-outs still apply", e.getMessage());
          return Future.succeededFuture();
        });
  }

  /** Adds entries of the form {@code {"sessionId": ..., "until": <epoch ms>}}. */
  public void seed(JsonArray entries) {
    entries.forEach(entry -> {
      if (entry instanceof JsonObject) {
        add((JsonObject) entry);
      }
    });
  }

  public void add(String sessionId, long untilEpochMillis) {
    if (sessionId != null && untilEpochMillis > System.currentTimeMillis()) {
      revoked.merge(sessionId, untilEpochMillis, Math::max);
    }
  }

  private void add(JsonObject entry) {
    Long until = entry.getLong("until");
    add(entry.getString("sessionId"), until == null ? 0 : until);
  }

  public boolean isRevoked(String sessionId) {
    Long until = revoked.get(sessionId);
    return until != null && until > System.currentTimeMillis();
  }

  public int size() {
    return revoked.size();
  }

  private void sweep() {
    long now = System.currentTimeMillis();
    revoked.values().removeIf(until -> until <= now);
  }

  public Future<Void> close() {
    vertx.cancelTimer(sweeper);
    return consumer.unregister();
  }
}
