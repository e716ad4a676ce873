package io.cotoami.gateway;

import io.cotoami.common.config.InstanceConfig;
import io.cotoami.common.http.Problem;
import io.cotoami.common.http.Problems;
import io.cotoami.common.runtime.ServiceInstance;
import io.cotoami.common.session.SameOrigin;
import io.cotoami.common.session.SessionVerifier;
import io.cotoami.gateway.live.LiveSockets;
import io.cotoami.gateway.proxy.AffinityCookies;
import io.cotoami.gateway.dev.DevMailRoutes;
import io.cotoami.gateway.proxy.ServiceProxy;
import io.cotoami.gateway.proxy.UpstreamRoutes;
import io.cotoami.gateway.registry.InstanceRegistry;
import io.cotoami.gateway.web.WebClientRoutes;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/** The public HTTP entry: the web page, and {@code /api/*} routed to live service instances. */
public final class GatewayVerticle extends VerticleBase {
  private final ServiceInstance instance;
  private final GatewayConfig config;
  private final InstanceRegistry registry;
  private final AffinityCookies affinity;
  private final SessionVerifier sessions;
  /** Held debug answers ({@code ?delay=}) per client address, so that they cannot fill the upstream pools. */
  private final java.util.Map<String, Integer> delayedDebug = new java.util.HashMap<>();
  private int delayedDebugTotal;
  static final int MAX_DELAYED_DEBUG_PER_CLIENT = 2;
  static final int MAX_DELAYED_DEBUG = 16;
  /**
   * Import documents this verticle holds at once while they are read and forwarded (each up to
   * IMPORT_BODY_LIMIT): a bound on the memory a few signed-in callers can make it hold.
   */
  static final int MAX_IMPORT_BODIES = 4;
  private int importBodies;

  public GatewayVerticle(ServiceInstance instance, GatewayConfig config, InstanceRegistry registry,
                         AffinityCookies affinity, SessionVerifier sessions) {
    this.instance = instance;
    this.config = config;
    this.registry = registry;
    this.affinity = affinity;
    this.sessions = sessions;
  }

  @Override
  public Future<?> start() {
    ServiceProxy proxy = new ServiceProxy(vertx, registry, affinity, config);
    Router router = instance.router();
    SameOrigin sameOrigin = SameOrigin.of(config.publicUrl(), config.allowedOrigins());
    LiveSockets live = new LiveSockets(vertx, sessions, sameOrigin, config.live(), config.instance().busTimeout());
    router.get("/api/ws").handler(live::handshake);
    io.vertx.core.Context sockets = vertx.getOrCreateContext();
    instance.cluster().afterMerge("live-timelines-" + System.identityHashCode(live), () -> {
      sockets.runOnContext(v -> live.catchUpAfterMerge());
      return Future.succeededFuture();
    });
    // Request bodies are small (HTTP_BODY_LIMIT, 64 KiB by default): they are read before
    // forwarding so that an idempotent POST can be sent again to another instance. Answers are
    // streamed.
    // A browser's cookie must not let another site change anything (cross-site request forgery):
    // state-changing requests with the session cookie must come from our own pages.
    router.route("/api/*").handler(sameOrigin);
    router.route("/api/*").handler(this::requireCurrentRevocations);
    router.route("/api/*").handler(this::limitBody);
    // An exported document coming back is the one larger body (IMPORT_BODY_LIMIT); a body handler
    // that has run once is skipped by the next.
    router.post(InstanceConfig.IMPORT_PATH).handler(this::importNeedsSession);
    router.post(InstanceConfig.IMPORT_PATH)
        .handler(BodyHandler.create(false).setBodyLimit(config.instance().bodyLimitFor(InstanceConfig.IMPORT_PATH)));
    router.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(config.instance().bodyLimit()));
    if (config.debugRoutes()) {
      router.get("/api/debug/:service").handler(ctx -> debug(ctx, proxy));
      router.get("/api/instances").handler(this::instances);
    }
    router.route("/api/*").handler(ctx -> route(ctx, proxy));
    router.get("/signin/*").handler(ctx -> route(ctx, proxy));
    if (config.devMode()) {
      DevMailRoutes.mount(router, vertx, config.devMailUrl());
    }
    return WebClientRoutes.mount(router, vertx)
        .compose(v -> live.start())
        .compose(v -> instance.serve(router));
  }

  /**
   * A signed-in request is refused with 503 while this gateway does not know the revocations to be
   * current: the services behind it check the session again, but a gateway that may have missed a
   * sign-out never forwards a session it cannot vouch for.
   */
  private void requireCurrentRevocations(RoutingContext ctx) {
    if (!sessions.revocationsCurrent() && SessionVerifier.tokenOf(ctx.request()).isPresent()) {
      Problems.send(ctx, Problem.unavailable("Sessions cannot be checked on this instance right now. Please retry shortly."));
      return;
    }
    ctx.next();
  }

  /**
   * Only a signed-in caller may make this gateway hold a document of up to IMPORT_BODY_LIMIT: without
   * a session or token the import is refused before its body is read (coto-service checks the session),
   * and past MAX_IMPORT_BODIES at once it is 429 before its body is read.
   */
  private void importNeedsSession(RoutingContext ctx) {
    if (SessionVerifier.tokenOf(ctx.request()).isEmpty()) {
      Problems.send(ctx, Problem.of(401, "unauthorized", "Unauthorized", "Sign in to import."));
      return;
    }
    if (importBodies >= MAX_IMPORT_BODIES) {
      ctx.response().putHeader("Retry-After", "30");
      Problems.send(ctx, Problem.of(429, "too-many-imports", "Too many imports",
          "This server is receiving " + MAX_IMPORT_BODIES + " imported documents already. Please retry in a minute."));
      return;
    }
    importBodies++;
    ctx.addEndHandler(v -> importBodies--);
    ctx.next();
  }

  /** Refuses a declared body over the limit before anything is forwarded. */
  private void limitBody(RoutingContext ctx) {
    String length = ctx.request().getHeader("Content-Length");
    if (length != null) {
      long declared;
      try {
        declared = Long.parseLong(length.trim());
      } catch (NumberFormatException e) {
        Problems.send(ctx, Problem.badRequest("Content-Length is not a number."));
        return;
      }
      long limit = config.instance().bodyLimitFor(ctx.normalizedPath());
      if (declared > limit) {
        Problems.send(ctx, Problem.of(413, "payload-too-large", "Payload too large",
            "The request body is over the limit of " + limit + " bytes."));
        return;
      }
    }
    ctx.next();
  }

  private void route(RoutingContext ctx, ServiceProxy proxy) {
    String path = ctx.normalizedPath();
    String query = ctx.request().query();
    // The path routed on is the path forwarded: no dot segment can reach past the prefix upstream.
    UpstreamRoutes.serviceFor(path).ifPresentOrElse(
        service -> proxy.forward(ctx, service, query == null ? path : path + "?" + query),
        () -> Problems.send(ctx, Problem.notFound("No API at " + path)));
  }

  private void debug(RoutingContext ctx, ServiceProxy proxy) {
    String service = ctx.pathParam("service");
    if (!UpstreamRoutes.DEBUGGABLE.contains(service)) {
      Problems.send(ctx, Problem.notFound("No service named '" + service + "'. Try one of "
          + String.join(", ", UpstreamRoutes.DEBUGGABLE.stream().sorted().toList()) + "."));
      return;
    }
    String query = ctx.request().query();
    String delay = ctx.request().getParam("delay");
    if (delay == null || delay.equals("0")) {
      proxy.forward(ctx, service, "/debug" + (query == null ? "" : "?" + query));
      return;
    }
    // The client as TRUSTED_PROXIES resolves it: behind an Ingress every peer is the Ingress.
    String client = config.clientAddress().of(ctx.request());
    int held = delayedDebug.getOrDefault(client, 0);
    if (held >= MAX_DELAYED_DEBUG_PER_CLIENT || delayedDebugTotal >= MAX_DELAYED_DEBUG) {
      ctx.response().putHeader("Retry-After", "5");
      Problems.send(ctx, Problem.of(429, "too-many-requests", "Too many requests",
          "At most " + MAX_DELAYED_DEBUG_PER_CLIENT + " delayed debug requests at once per client."));
      return;
    }
    delayedDebug.put(client, held + 1);
    delayedDebugTotal++;
    ctx.addEndHandler(v -> {
      delayedDebugTotal--;
      delayedDebug.computeIfPresent(client, (k, n) -> n <= 1 ? null : n - 1);
    });
    proxy.forward(ctx, service, "/debug" + (query == null ? "" : "?" + query));
  }

  private void instances(RoutingContext ctx) {
    JsonArray list = new JsonArray();
    registry.all().forEach(info -> list.add(new JsonObject()
        .put("service", info.service())
        .put("instanceId", info.instanceId())
        .put("state", info.state().name())));
    ctx.json(new JsonObject().put("instances", list));
  }
}
