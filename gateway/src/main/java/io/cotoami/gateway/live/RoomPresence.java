package io.cotoami.gateway.live;

import io.cotoami.common.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who is in each cotonoma, as this gateway's subscribers see it, and who is typing there. The
 * viewers are kept by {@link Presence} (this gateway's own, and the summaries the other gateways
 * publish on {@link Addresses#PRESENCE}); a change is sent to the local subscribers of that
 * cotonoma as one frame per {@code presenceInterval}, and not again when nothing changed. Typing
 * goes over {@link Addresses#TYPING} to every gateway's other viewers. On the sockets' event loop,
 * like {@link LiveSockets}, whose subscriptions it reads.
 */
final class RoomPresence {
  private static final Logger LOG = LoggerFactory.getLogger(RoomPresence.class);
  private final Vertx vertx;
  private final LiveConfig config;
  private final Presence presence;
  /** A timeline's bus name → this gateway's subscriptions to it (null: none). */
  private final Function<String, Set<Subscription>> subscribers;
  /** Cotonoma bus name → its presence on this gateway. */
  private final Map<String, Shown> shown = new HashMap<>();

  /**
   * Presence of one cotonoma on this gateway: the frame last sent, whether a send is scheduled,
   * and the subscribers that have not had a frame yet.
   */
  private static final class Shown {
    String lastFrame;
    boolean scheduled;
    final Set<Subscription> waiting = new LinkedHashSet<>();
  }

  RoomPresence(Vertx vertx, LiveConfig config, Function<String, Set<Subscription>> subscribers) {
    this.vertx = vertx;
    this.config = config;
    this.subscribers = subscribers;
    this.presence = new Presence(vertx, config.presenceTtl());
  }

  /** Listens to the other gateways' summaries and typing, and renews this gateway's summaries. */
  Future<Void> start() {
    // Renewed at a third of the time to live: a live gateway's summaries never lapse, a dead one's do.
    vertx.setPeriodic(Math.max(100, presence.ttl().toMillis() / 3), id -> renew());
    return vertx.eventBus().<JsonObject>consumer(Addresses.PRESENCE, m -> heard(m.body())).completion()
        .compose(v -> vertx.eventBus().<JsonObject>consumer(Addresses.TYPING, m -> typing(m.body())).completion());
  }

  /** A subscriber just became visible: it gets the viewers with the next send, changed or not. */
  void show(Subscription subscription) {
    shown.computeIfAbsent(subscription.busName(), k -> new Shown()).waiting.add(subscription);
    presence.join(subscription.busName(), subscription.client().id(), subscription.client().viewer());
    schedule(subscription.busName());
  }

  /** A subscription ended; {@code last}: it was this gateway's last one of its timeline. */
  void left(Subscription subscription, boolean last) {
    Shown state = shown.get(subscription.busName());
    if (state != null) {
      state.waiting.remove(subscription);
    }
    if (last) {
      shown.remove(subscription.busName());
    }
    if (subscription.shown()) {
      presence.leave(subscription.busName(), subscription.client().id());
      schedule(subscription.busName());
    }
  }

  /** The client took a new name: the cotonomas it is shown in show the new one. */
  void renamed(LiveClient client) {
    client.subscriptions().stream().filter(Subscription::shown).forEach(subscription -> {
      presence.join(subscription.busName(), client.id(), client.viewer());
      schedule(subscription.busName());
    });
  }

  /** The client typed in the cotonoma of {@code subscription}: every gateway's other viewers are told. */
  void typed(LiveClient client, Subscription subscription) {
    vertx.eventBus().publish(Addresses.TYPING, new JsonObject().put("timeline", subscription.busName())
        .put("socketId", client.id()).put("user", client.viewer()));
  }

  /** Publishes this gateway's summaries again; the viewers of a gateway that stopped renewing lapse without an event. */
  void renew() {
    presence.renew().forEach(this::schedule);
  }

  /** Someone typed: tell this gateway's other viewers of that cotonoma; the indication expires by itself. */
  private void typing(JsonObject message) {
    Set<Subscription> subscriptions = subscribers.apply(message.getString("timeline"));
    if (subscriptions == null) {
      return;
    }
    for (Subscription subscription : Set.copyOf(subscriptions)) {
      if (!subscription.client().id().equals(message.getString("socketId"))) {
        subscription.client().send(new JsonObject().put("type", "typing").put("timeline", subscription.name())
            .put("user", message.getJsonObject("user")).put("expiresInMs", LiveClient.TYPING_EXPIRES_MS));
      }
    }
  }

  /** Another gateway's summary of its viewers: this gateway's viewers of that cotonoma are told if it changes anything. */
  private void heard(JsonObject summary) {
    String changed;
    try {
      changed = presence.heard(summary);
    } catch (IllegalArgumentException e) {
      LOG.warn("A presence summary was malformed and is ignored: {}", e.getMessage());
      return;
    }
    if (changed != null) {
      schedule(changed);
    }
  }

  /**
   * Changes within {@code presenceInterval} are sent as one frame, encoded once for every local
   * subscriber and not sent again when nothing changed: in a room of N viewers, a burst of joins
   * costs at most N frames an interval, not N per join.
   */
  private void schedule(String timeline) {
    Set<Subscription> subscriptions = timeline == null ? null : subscribers.apply(timeline);
    if (subscriptions == null || subscriptions.isEmpty()) {
      shown.remove(timeline);
      return;
    }
    Shown state = shown.computeIfAbsent(timeline, k -> new Shown());
    if (!state.scheduled) {
      state.scheduled = true;
      vertx.setTimer(config.presenceInterval().toMillis(), id -> send(timeline, state));
    }
  }

  /** Sends the viewers, when they changed since the last frame (and to new subscribers anyway). */
  private void send(String timeline, Shown state) {
    state.scheduled = false;
    Set<Subscription> now = subscribers.apply(timeline);
    if (now == null || shown.get(timeline) != state) {
      return;
    }
    String frame = new JsonObject().put("type", "presence").put("timeline", timeline)
        .mergeIn(presence.viewers(timeline)).encode();
    Set<Subscription> targets = frame.equals(state.lastFrame) ? Set.copyOf(state.waiting) : Set.copyOf(now);
    state.lastFrame = frame;
    state.waiting.clear();
    for (Subscription subscription : targets) {
      if (now.contains(subscription) && subscription.shown()) {
        subscription.client().sendEncoded(frame);
      }
    }
  }
}
