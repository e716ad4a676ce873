package io.cotoami.gateway.live;

import io.cotoami.common.bus.Addresses;
import io.cotoami.common.bus.TimelineEventType;
import io.cotoami.common.bus.FailureCodes;
import io.cotoami.common.bus.TimelineOpen;
import io.cotoami.common.bus.TimelineOpened;
import io.cotoami.common.http.Problem;
import io.cotoami.common.http.Problems;
import io.cotoami.common.session.Revocation;
import io.cotoami.common.session.AnonymousId;
import io.cotoami.common.session.SameOrigin;
import io.cotoami.common.session.Session;
import io.cotoami.common.session.SessionVerifier;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live WebSocket at {@code /api/ws}. The handshake checks {@code Origin} (unless a bearer
 * token is sent) and the session; then the client subscribes to {@code home} or
 * {@code cotonoma:<key>}, optionally with the last event id it saw, and receives every event of
 * those timelines that coto-service publishes on the bus — the missed ones first (replayed from
 * coto-service), then live ones, each once and in order. Who is in each cotonoma and who types
 * there is {@link RoomPresence}'s. Everything runs on the event loop of the verticle that owns the
 * HTTP server, so no locks are needed.
 */
public final class LiveSockets {
  private static final Logger LOG = LoggerFactory.getLogger(LiveSockets.class);

  private final Vertx vertx;
  private final SessionVerifier verifier;
  private final SameOrigin origins;
  private final LiveConfig config;
  private final Duration busTimeout;
  /** Bus timeline name → its subscriptions on this gateway. */
  private final Map<String, Set<Subscription>> byTimeline = new HashMap<>();
  private final Set<LiveClient> clients = new LinkedHashSet<>();
  private final RoomPresence rooms;

  public LiveSockets(Vertx vertx, SessionVerifier verifier, SameOrigin origins, LiveConfig config, Duration busTimeout) {
    this.vertx = vertx;
    this.verifier = verifier;
    this.origins = origins;
    this.config = config;
    this.busTimeout = busTimeout;
    this.rooms = new RoomPresence(vertx, config, byTimeline::get);
  }

  /** Listens to the timeline events and sign-outs; call from the verticle that serves the sockets. */
  public Future<Void> start() {
    Future<Void> all = Future.succeededFuture();
    for (TimelineEventType kind : TimelineEventType.values()) {
      all = all.compose(v -> vertx.eventBus().<JsonObject>consumer(kind.address(), m -> dispatch(m.body()))
          .completion());
    }
    long ping = config.pingInterval().toMillis();
    vertx.setPeriodic(ping, id -> List.copyOf(clients).forEach(c -> c.ping(ping * 1_000_000)));
    // Every revocation this gateway learns, from the event or from a catch-up after a lost one.
    Context context = vertx.getOrCreateContext();
    verifier.onRevoked(revocation -> context.runOnContext(v -> signedOut(revocation)));
    return all.compose(v -> rooms.start());
  }

  void typed(LiveClient client, Subscription subscription) {
    rooms.typed(client, subscription);
  }

  /** A subscriber just became visible: it gets the viewers with the next presence frame. */
  void showPresence(Subscription subscription) {
    rooms.show(subscription);
  }

  /**
   * After a cluster merge: events published while this gateway was cut off never reached it, so
   * every subscription fetches what it missed (or is told to resync), and this gateway's viewers
   * are published to the merged cluster at once. Call on the sockets' event loop.
   */
  public void catchUpAfterMerge() {
    for (LiveClient client : List.copyOf(clients)) {
      client.subscriptions().forEach(Subscription::catchUp);
    }
    rooms.renew();
  }

  public int connected() {
    return clients.size();
  }

  /** The handshake: refused before any frame when the origin or the session is not acceptable. */
  public void handshake(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    boolean bearer = SessionVerifier.bearer(request).isPresent();
    String origin = request.getHeader("Origin");
    if (!bearer && !origins.allowsOrigin(origin)) {
      Problems.send(ctx, Problem.of(403, "origin-not-allowed", "Origin not allowed",
          "Live updates are only for pages of this site and for clients with a bearer token."));
      return;
    }
    Optional<String> token = SessionVerifier.tokenOf(request);
    Future<Session> session = token.isPresent() ? verifier.verify(token.get()) : Future.succeededFuture(null);
    session.onFailure(ctx::fail).onSuccess(s -> {
      String anonymous = s == null ? AnonymousId.of(request).map(AnonymousId::value).orElse(null) : null;
      request.toWebSocket().onFailure(ctx::fail).onSuccess(ws -> accept(ws, s, anonymous));
    });
  }

  private void accept(ServerWebSocket ws, Session session, String anonymousId) {
    ws.setWriteQueueMaxSize(config.writeQueueBytes());
    LiveClient client = new LiveClient(ws, session, anonymousId, config, this);
    clients.add(client);
    ws.closeHandler(v -> closed(client));
    ws.exceptionHandler(e -> LOG.debug("WebSocket error: {}", e.toString()));
    ws.frameHandler(client::frame);
    ws.pongHandler(pong -> client.ponged());
    ws.textMessageHandler(client::received);
    ws.binaryMessageHandler(b -> client.refuse(null, "bad-frame", "Send JSON text frames."));
  }

  /** Asks coto-service whether the client may follow the timeline, and what it missed. */
  Future<TimelineOpened> open(LiveClient client, String timeline, Long after) {
    TimelineOpen request = client.session() != null
        ? TimelineOpen.signedIn(timeline, after, client.session().userId(), client.session().email())
        : TimelineOpen.anonymous(timeline, after, client.anonymousId());
    return vertx.eventBus().<JsonObject>request(Addresses.TIMELINES_OPEN, request.toJson(),
        new DeliveryOptions().setSendTimeout(busTimeout.toMillis())).map(m -> opened(m.body()));
  }

  /** coto-service's reply, read; a malformed one is a fault of ours: logged, and the client is refused as if unavailable. */
  static TimelineOpened opened(JsonObject reply) {
    try {
      return TimelineOpened.fromJson(reply);
    } catch (IllegalArgumentException e) {
      LOG.warn("A timeline-open reply from coto-service was malformed ({}): the subscription is refused", e.getMessage());
      throw e;
    }
  }

  void register(Subscription subscription) {
    byTimeline.computeIfAbsent(subscription.busName(), k -> new LinkedHashSet<>()).add(subscription);
  }

  Vertx vertx() {
    return vertx;
  }

  void unregister(Subscription subscription) {
    subscription.cancel();
    Set<Subscription> set = byTimeline.get(subscription.busName());
    boolean last = false;
    if (set != null) {
      set.remove(subscription);
      if (set.isEmpty()) {
        byTimeline.remove(subscription.busName());
        last = true;
      }
    }
    rooms.left(subscription, last);
  }

  private void dispatch(JsonObject event) {
    if (TimelineEventType.USER_RENAMED.is(event.getString("type"))) {
      renamed(event.getJsonObject("user", new JsonObject()));
    }
    String timeline = event.getString("timeline");
    Set<Subscription> subscriptions = timeline == null ? null : byTimeline.get(timeline);
    if (subscriptions == null) {
      return;
    }
    for (Subscription subscription : Set.copyOf(subscriptions)) {
      subscription.deliver(event);
    }
  }

  /** A person renamed: the cotonomas their sockets here are viewing show them by the new name at once. */
  private void renamed(JsonObject user) {
    for (LiveClient client : clients) {
      if (client.renamed(user.getString("id"), user.getString("name"))) {
        rooms.renamed(client);
      }
    }
  }

  private void signedOut(Revocation revocation) {
    for (LiveClient client : Set.copyOf(clients)) {
      if (client.session() != null && revocation.covers(client.session())) {
        client.close((short) 1008, "signed out");
      }
    }
  }

  private void closed(LiveClient client) {
    clients.remove(client);
    client.subscriptions().forEach(this::unregister);
  }

  /** The status a failed open should be reported with. */
  static int status(Throwable failure) {
    return failure instanceof ReplyException ? FailureCodes.httpStatus(failure) : 503;
  }
}
