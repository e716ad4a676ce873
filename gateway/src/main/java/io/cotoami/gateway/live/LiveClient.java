package io.cotoami.gateway.live;

import io.cotoami.common.bus.TimelineOpened;
import io.cotoami.common.bus.TimelineEventType;
import io.cotoami.common.bus.TimelineName;
import io.cotoami.common.session.AnonymousId;
import io.cotoami.common.session.Session;
import io.vertx.core.Future;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One WebSocket client: its session (or anonymous id), its subscriptions and its frame budget. */
final class LiveClient implements Subscriber {
  private static final Logger LOG = LoggerFactory.getLogger(LiveClient.class);
  /** How long others show "… is typing" after a typing frame, unless another comes. */
  static final long TYPING_EXPIRES_MS = 5000;

  private final String id = java.util.UUID.randomUUID().toString();
  private final ServerWebSocket ws;
  private final Session session;
  /** The name this person took after their session was issued (a session carries the name of its time). */
  private String renamedTo;
  private final String anonymousId;
  private final LiveConfig config;
  private final LiveSockets sockets;
  private final Map<String, Subscription> subscriptions = new LinkedHashMap<>();
  private final FrameBudget budget;
  /** Set once the gateway decided to close: nothing more is read or queued for this client. */
  private boolean closing;
  /** Bytes of the data message being received so far, over all its fragments. */
  private long messageBytes;
  private long pongedAt = System.nanoTime();

  LiveClient(ServerWebSocket ws, Session session, String anonymousId, LiveConfig config, LiveSockets sockets) {
    this.ws = ws;
    this.session = session;
    this.anonymousId = anonymousId;
    this.config = config;
    this.sockets = sockets;
    this.budget = new FrameBudget(config.framesPerSecond(), System::nanoTime);
  }

  Session session() {
    return session;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public boolean signedIn() {
    return session != null;
  }

  @Override
  public Future<TimelineOpened> open(String timeline, Long after) {
    return sockets.open(this, timeline, after);
  }

  @Override
  public void showPresence(Subscription subscription) {
    sockets.showPresence(subscription);
  }

  @Override
  public long setTimer(long delayMs, Runnable action) {
    return sockets.vertx().setTimer(delayMs, t -> action.run());
  }

  @Override
  public void cancelTimer(long timer) {
    sockets.vertx().cancelTimer(timer);
  }

  /** How this client is shown to others: user id, name and avatar. */
  @Override
  public JsonObject viewer() {
    return session == null ? new JsonObject() : new JsonObject().put("userId", session.userId())
        .put("name", renamedTo != null ? renamedTo : session.name()).put("avatarUrl", session.email() == null ? null
            : io.cotoami.common.session.Gravatar.url(session.email()));
  }

  /** True when this socket is that person's and the name is new to it: it is shown by the new one from now on. */
  boolean renamed(String userId, String name) {
    if (session == null || !session.userId().equals(userId) || name == null || name.equals(viewer().getString("name"))) {
      return false;
    }
    renamedTo = name;
    return true;
  }

  String anonymousId() {
    return anonymousId;
  }

  LiveSockets sockets() {
    return sockets;
  }

  Collection<Subscription> subscriptions() {
    return new ArrayList<>(subscriptions.values());
  }

  /**
   * Every frame, before Vert.x joins fragments into a message: a message over the limit closes the
   * socket with 1009 however it is fragmented (Vert.x alone would drop it without a word).
   */
  void frame(WebSocketFrame frame) {
    if (closing || !(frame.isText() || frame.isBinary() || frame.isContinuation())) {
      return;
    }
    if (!frame.isContinuation()) {
      messageBytes = 0;
    }
    messageBytes += frame.binaryData().length();
    if (messageBytes > LiveConfig.MAX_FRAME_BYTES) {
      close((short) 1009, "message over 64 KiB");
    }
  }

  void ponged() {
    pongedAt = System.nanoTime();
  }

  /** Pings the client, or closes it when it answered none of the last two pings. */
  void ping(long intervalNanos) {
    if (closing || ws.isClosed()) {
      return;
    }
    if (System.nanoTime() - pongedAt > 2 * intervalNanos + intervalNanos / 2) {
      LOG.info("Closed a live socket that answered no ping (user {})", session == null ? "anonymous" : session.userId());
      close((short) 1001, "no pong");
      return;
    }
    ws.writePing(io.vertx.core.buffer.Buffer.buffer("ping"));
  }

  void received(String text) {
    if (closing) {
      return;
    }
    if (text.length() > LiveConfig.MAX_FRAME_BYTES / 4
        && text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > LiveConfig.MAX_FRAME_BYTES) {
      close((short) 1009, "message over 64 KiB");
      return;
    }
    if (!budget.take()) {
      if (budget.flooding()) {
        LOG.warn("Closed a live socket that kept flooding: over {} frames refused within 5 s (user {})",
            config.framesPerSecond() * 5, session == null ? "anonymous" : session.userId());
        close((short) 1008, "too many frames");
      } else {
        refuse(null, "slow-down", "Too many frames: at most " + config.framesPerSecond() + " a second.");
      }
      return;
    }
    JsonObject frame;
    try {
      frame = new JsonObject(text);
    } catch (DecodeException e) {
      refuse(null, "bad-frame", "Frames are JSON objects.");
      return;
    }
    String type = String.valueOf(frame.getValue("type"));
    String timeline = frame.getValue("timeline") instanceof String ? frame.getString("timeline") : null;
    switch (type) {
      case "subscribe" -> subscribe(timeline, frame.getValue("lastEventId"));
      case "unsubscribe" -> {
        Subscription subscription = timeline == null ? null : subscriptions.remove(timeline);
        if (subscription != null) {
          sockets.unregister(subscription);
        }
        send(new JsonObject().put("type", "unsubscribed").put("timeline", timeline));
      }
      case "ping" -> send(new JsonObject().put("type", "pong"));
      case "typing" -> {
        Subscription subscription = timeline == null ? null : subscriptions.get(timeline);
        if (subscription == null || !subscription.shown()) {
          refuse(timeline, "not-subscribed", "Subscribe to a cotonoma before typing in it.");
        } else {
          sockets.typed(this, subscription);
        }
      }
      default -> refuse(timeline, "bad-frame", "Unknown frame type; use subscribe, unsubscribe, typing or ping.");
    }
  }

  private void subscribe(String timeline, Object lastEventId) {
    Optional<TimelineName> name = TimelineName.parse(timeline);
    if (name.isEmpty()) {
      refuse(timeline, "bad-timeline", "A timeline is 'home' or 'cotonoma:<key>'.");
      return;
    }
    if (lastEventId != null && !(lastEventId instanceof Number && ((Number) lastEventId).longValue() >= 0)) {
      refuse(timeline, "bad-frame", "'lastEventId' is the last event id received, a number.");
      return;
    }
    if (subscriptions.containsKey(timeline)) {
      refuse(timeline, "already-subscribed", "Already subscribed to " + timeline + ".");
      return;
    }
    if (subscriptions.size() >= config.maxSubscriptions()) {
      refuse(timeline, "too-many-subscriptions", "At most " + config.maxSubscriptions() + " timelines at once.");
      return;
    }
    String busName = name.get().busName(session == null ? null : session.userId(),
        AnonymousId.parse(anonymousId).map(AnonymousId::timeline).orElse(null)).orElse(null);
    if (busName == null) {
      refuse(timeline, "unauthorized", "Sign in to follow cotonomas; anonymous visitors follow their own home.");
      return;
    }
    Subscription subscription = new Subscription(this, name.get(), busName,
        lastEventId == null ? null : ((Number) lastEventId).longValue());
    subscriptions.put(timeline, subscription);
    // Registered before asking what was missed, so that nothing published meanwhile is lost.
    sockets.register(subscription);
    subscription.open(true);
  }

  /** After an event is sent: a member removed from the cotonoma, or a deleted cotonoma, ends the subscription. */
  @Override
  public void afterEvent(Subscription subscription, JsonObject event) {
    String type = event.getString("type");
    boolean removedMe = TimelineEventType.MEMBER_REMOVED.is(type) && session != null
        && session.email() != null && session.email().equalsIgnoreCase(event.getString("email"));
    if (removedMe || TimelineEventType.COTONOMA_DELETED.is(type) && !subscription.timeline().isHome()) {
      end(subscription, "ended", removedMe ? "You are no longer a member of this cotonoma." : "The cotonoma was deleted.");
    }
  }

  @Override
  public void end(Subscription subscription, String type, String detail) {
    if (subscriptions.remove(subscription.name()) != null) {
      sockets.unregister(subscription);
    }
    send(new JsonObject().put("type", "unsubscribed").put("timeline", subscription.name()).put("reason", type)
        .put("detail", detail));
  }

  @Override
  public void refused(Subscription subscription, Throwable failure) {
    if (subscriptions.remove(subscription.name()) != null) {
      sockets.unregister(subscription);
    }
    Refusal refusal = Refusal.of(failure);
    refuse(subscription.name(), refusal.slug(), refusal.detail());
  }

  void refuse(String timeline, String slug, String detail) {
    send(new JsonObject().put("type", "error").put("timeline", timeline)
        .put("problem", new JsonObject().put("type", "urn:cotoami:problem:" + slug).put("detail", detail)));
  }

  @Override
  public void send(JsonObject frame) {
    sendEncoded(frame.encode());
  }

  /** Sends a frame already encoded (the same presence frame goes to many clients). */
  @Override
  public void sendEncoded(String frame) {
    if (closing || ws.isClosed()) {
      return;
    }
    if (ws.writeQueueFull()) {
      LOG.warn("Closed a live socket too slow to read its frames: over {} bytes waiting (user {})",
          config.writeQueueBytes(), session == null ? "anonymous" : session.userId());
      close((short) 1008, "too slow: frames are not being read");
      return;
    }
    ws.writeTextMessage(frame);
  }

  void close(short code, String reason) {
    if (!closing && !ws.isClosed()) {
      closing = true;
      ws.close(code, reason);
    }
  }
}
