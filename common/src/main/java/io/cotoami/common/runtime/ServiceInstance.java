package io.cotoami.common.runtime;

import io.cotoami.common.cluster.ClusterLeave;
import io.cotoami.common.cluster.ClusterReadiness;
import io.cotoami.common.cluster.ClusteredVertx;
import io.cotoami.common.config.InstanceConfig;
import io.cotoami.common.http.Problems;
import io.cotoami.common.http.Redaction;
import io.cotoami.common.http.RequestIds;
import io.cotoami.common.log.LogContext;
import io.cotoami.common.log.LogLevelHandler;
import io.cotoami.common.registry.InstanceAnnouncer;
import io.cotoami.common.registry.InstanceInfo;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.CheckResult;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running instance of a service: its clustered Vert.x, metrics, readiness checks, HTTP server,
 * announcements, and graceful shutdown. Every service's {@code XxxMain} starts one; tests start
 * several in one JVM, each with its own Vert.x, to exercise the real wiring.
 */
public final class ServiceInstance {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceInstance.class);
  /** Time given to gateways to see the draining announcement before we wait for in-flight work. */
  static final Duration DRAIN_NOTICE = Duration.ofMillis(300);
  /** How long leaving the cluster may take before shutdown goes on without it. */
  static final Duration LEAVE_TIMEOUT = Duration.ofSeconds(10);
  /** How long the goodbye (instance-left, and unregistering the registry's query handler) may take. */
  static final Duration GOODBYE_TIMEOUT = Duration.ofSeconds(2);

  private final InstanceConfig config;
  private final Vertx vertx;
  private final HazelcastClusterManager clusterManager;
  private final PrometheusMeterRegistry registry;
  private final HealthChecks readiness;
  private final ClusterReadiness cluster;
  private final ClusterLeave leave;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final long startedAt = System.currentTimeMillis();
  private volatile boolean draining;
  private volatile HttpServer server;
  private volatile HttpServer management;
  private volatile InstanceAnnouncer announcer;
  private volatile Router served;
  private volatile String publicUrl;
  private Future<Void> shutdown;

  private ServiceInstance(InstanceConfig config, ClusteredVertx.Started started, PrometheusMeterRegistry registry) {
    this.config = config;
    this.vertx = started.vertx();
    this.clusterManager = started.clusterManager();
    this.registry = registry;
    this.readiness = HealthChecks.create(vertx);
    this.cluster = ClusterReadiness.install(vertx, clusterManager, config.cluster().minMembers());
    this.leave = new ClusterLeave(clusterManager, cluster::backupsInSync);
    readinessCheck("cluster", () -> {
      String problem = cluster.problem();
      return problem == null ? Future.succeededFuture() : Future.failedFuture(problem);
    });
  }

  /** Joins the cluster. Nothing is served until {@link #serve(Router)}. */
  public static Future<ServiceInstance> start(InstanceConfig config) {
    LogContext.set(config.service(), config.instanceId());
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags("service", config.service());
    LOG.info("Starting {} as {}; joining the {}", config.service(), config.instanceId(), config.cluster().describe());
    return ClusteredVertx.start(config.cluster(), registry).map(started -> new ServiceInstance(config, started, registry));
  }

  public Vertx vertx() {
    return vertx;
  }

  public InstanceConfig config() {
    return config;
  }

  public PrometheusMeterRegistry meterRegistry() {
    return registry;
  }

  public HazelcastClusterManager clusterManager() {
    return clusterManager;
  }

  /** This instance's place in the cluster; register what must be reloaded after a merge with {@code afterMerge}. */
  public ClusterReadiness cluster() {
    return cluster;
  }

  public boolean draining() {
    return draining;
  }

  /** Requests being served now (what a drain waits for). */
  public int requestsInFlight() {
    return inFlight.get();
  }

  /** The port actually bound (differs from the configured one when that was 0). */
  public int httpPort() {
    return server == null ? -1 : server.actualPort();
  }

  /** The management port actually bound: {@code /health/*}, {@code /metrics}, {@code /debug}, {@code /log-level}. */
  public int managementPort() {
    return management == null ? -1 : management.actualPort();
  }

  /** Connections open now on the public port. */
  public int publicConnections() {
    return server == null ? 0 : AcceptGate.open(server.actualPort());
  }

  /** Adds a readiness check: the instance is ready only when every check succeeds within two seconds. */
  public void readinessCheck(String name, Supplier<Future<?>> probe) {
    readiness.register(name, 2000, promise -> probe.get().onComplete(ar -> {
      if (ar.succeeded()) {
        promise.complete(Status.OK());
      } else {
        promise.complete(Status.KO(new JsonObject().put("error", String.valueOf(ar.cause().getMessage()))));
      }
    }));
  }

  /**
   * The public router: request ids, in-flight tracking and problem+json errors, and {@code /debug}
   * only with {@code DEBUG_ROUTES} or {@code DEV_MODE}. Health, metrics and debug are always on the
   * management port ({@link #serve(Router)} binds it).
   */
  public Router router() {
    Router router = Router.router(vertx);
    router.route().handler(new RequestIds()).handler(this::trackInFlight);
    if (config.debugRoutes()) {
      router.get("/debug").handler(new DebugHandler(config, startedAt));
    }
    Problems.install(router);
    return router;
  }

  private Router managementRouter() {
    Router router = Router.router(vertx);
    router.route().handler(new RequestIds()).handler(this::trackInFlight);
    router.get("/health/live").handler(ctx -> ctx.json(new JsonObject().put("status", "UP")));
    router.get("/health/ready").handler(this::ready);
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
    router.get("/debug").handler(new DebugHandler(config, startedAt));
    router.get("/log-level").handler(LogLevelHandler::get);
    router.put("/log-level").handler(BodyHandler.create(false).setBodyLimit(1024)).handler(LogLevelHandler::put);
    Problems.install(router);
    return router;
  }

  /** Puts the instance's PUBLIC_URL into its announcements (call before {@link #serve}). */
  public void announcePublicUrl(String url) {
    this.publicUrl = url;
  }

  /** The router being served (the API contract test lists its routes); null before {@link #serve}. */
  public Router servedRouter() {
    return served;
  }

  /**
   * Options every server of ours shares: HTTP/1.1 only (no h2c, by prior knowledge or by Upgrade:
   * one protocol to get right at the edge), the idle timeout, and bounded WebSocket messages.
   */
  private HttpServerOptions serverOptions(String host, int port) {
    return new HttpServerOptions()
        .setHost(host)
        .setPort(port)
        .setHttp2ClearTextEnabled(false)
        .setIdleTimeout((int) Math.max(1, config.connections().idleTimeout().toMillis()))
        .setIdleTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  /** Binds the public and the management HTTP servers, then announces the instance to the cluster. */
  public Future<HttpServer> serve(Router router) {
    served = router;
    HttpServerOptions options = serverOptions(config.httpHost(), config.httpPort())
        .setCompressionSupported(true)
        // A hard bound on what one WebSocket message may make us hold; the gateway refuses much
        // less (64 KiB) itself, with a proper 1009 close.
        .setMaxWebSocketFrameSize(256 * 1024)
        .setMaxWebSocketMessageSize(256 * 1024)
        .setMaxFormAttributeSize((int) Math.min(Integer.MAX_VALUE, config.bodyLimit()));
    ConnectionGuard guard = new ConnectionGuard(vertx, config.connections(), "public", registry);
    ConnectionGuard managementGuard = new ConnectionGuard(vertx, config.connections(), "management", registry);
    return vertx.createHttpServer(options)
        .connectionHandler(guard::connected)
        .requestHandler(request -> {
          guard.requested(request);
          router.handle(request);
        })
        .listen()
        .recover(e -> Future.failedFuture(new IllegalStateException(
            "cannot listen on " + config.httpHost() + ":" + config.httpPort() + ": " + e.getMessage(), e)))
        .compose(bound -> {
          server = bound;
          AcceptGate.limit(bound.actualPort(), config.connections(), "public", registry);
          Router managementRoutes = managementRouter();
          return vertx.createHttpServer(serverOptions(config.managementHost(), config.managementPort()))
              .connectionHandler(managementGuard::connected)
              .requestHandler(request -> {
                managementGuard.requested(request);
                managementRoutes.handle(request);
              })
              .listen()
              .recover(e -> Future.failedFuture(new IllegalStateException("cannot listen on "
                  + config.managementHost() + ":" + config.managementPort() + " (MANAGEMENT_PORT): " + e.getMessage(), e)))
              .map(m -> {
                management = m;
                AcceptGate.count(m.actualPort(), "management", registry);
                return bound;
              });
        })
        .compose(bound -> {
          announcer = new InstanceAnnouncer(vertx, new InstanceInfo(config.service(), config.instanceId(),
              clusterManager.getNodeId(), config.announceHost(), bound.actualPort(), InstanceInfo.State.READY,
              startedAt, publicUrl));
          return announcer.start().map(bound);
        })
        .onSuccess(bound -> LOG.info("{} listening on {}:{}, management on {}:{}", config.service(),
            config.httpHost(), bound.actualPort(), config.managementHost(), management.actualPort()));
  }

  /**
   * Graceful shutdown: readiness goes false and gateways are told we drain, in-flight requests
   * finish (bounded by the grace period), then we leave the cluster. Idempotent.
   */
  public synchronized Future<Void> shutdown() {
    if (shutdown != null) {
      return shutdown;
    }
    draining = true;
    LOG.info("Draining: {} request(s) in flight, grace period {}", inFlight.get(), config.shutdownGrace());
    if (announcer != null) {
      announcer.draining();
    }
    // Hand the partitions over while draining, so that leaving has nothing left to wait for.
    leave.demote();
    long deadline = System.nanoTime() + config.shutdownGrace().toNanos();
    shutdown = delay(DRAIN_NOTICE)
        .compose(v -> awaitIdle(deadline))
        // Nothing is in flight: say goodbye first, so that gateways drop us at once.
        .compose(v -> announcer == null ? Future.succeededFuture()
            : announcer.stop().timeout(GOODBYE_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                .recover(e -> {
                  LOG.warn("Goodbye not finished within {}: {}", GOODBYE_TIMEOUT, e.toString());
                  return Future.succeededFuture();
                }))
        .compose(v -> server == null ? Future.succeededFuture() : server.shutdown(remaining(deadline).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS))
        .eventually(this::closeVertx)
        .andThen(ar -> {
          if (server != null) {
            AcceptGate.forget(server.actualPort());
          }
          if (management != null) {
            AcceptGate.forget(management.actualPort());
          }
        })
        .onSuccess(v -> LOG.info("Stopped and left the cluster"));
    return shutdown;
  }

  /** Leaves the cluster, then closes Vert.x, for at most {@link #LEAVE_TIMEOUT} ({@link ClusterLeave#close}). */
  private Future<Void> closeVertx() {
    return leave.close(vertx, LEAVE_TIMEOUT, config.service() + "-close");
  }

  /**
   * Counts requests in flight (for draining) and logs each API request with its request id. A
   * WebSocket handshake is not counted: once upgraded the socket lives on (it never ends as a
   * request), and would hold every drain for the whole grace period; the server's shutdown
   * closes it.
   */
  private void trackInFlight(RoutingContext ctx) {
    if (ctx.request().headers().contains("Upgrade", "websocket", true)) {
      ctx.next();
      return;
    }
    inFlight.incrementAndGet();
    long start = System.nanoTime();
    ctx.addEndHandler(v -> {
      inFlight.decrementAndGet();
      String path = ctx.request().path();
      if (path != null && !path.startsWith("/health/") && !path.equals("/metrics")) {
        LOG.atInfo().addKeyValue("requestId", RequestIds.of(ctx))
            .log("{} {} {} {}ms", ctx.request().method(), Redaction.uri(path), ctx.response().getStatusCode(),
                (System.nanoTime() - start) / 1_000_000);
      }
    });
    ctx.next();
  }

  private void ready(RoutingContext ctx) {
    if (draining) {
      ctx.response().setStatusCode(503).putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("status", "DOWN").put("reason", "draining").encode());
      return;
    }
    readiness.checkStatus().onComplete(ar -> {
      CheckResult result = ar.result();
      boolean up = ar.succeeded() && result.getUp();
      JsonObject body = ar.succeeded() ? result.toJson() : new JsonObject().put("status", "DOWN");
      ctx.response().setStatusCode(up ? 200 : 503).putHeader("Content-Type", "application/json").end(body.encode());
    });
  }

  private Future<Void> delay(Duration duration) {
    Promise<Void> promise = Promise.promise();
    vertx.setTimer(Math.max(1, duration.toMillis()), id -> promise.complete());
    return promise.future();
  }

  private Future<Void> awaitIdle(long deadline) {
    Promise<Void> promise = Promise.promise();
    vertx.setPeriodic(0, 20, id -> {
      if (inFlight.get() == 0 || System.nanoTime() >= deadline) {
        vertx.cancelTimer(id);
        if (inFlight.get() > 0) {
          LOG.warn("Grace period over with {} request(s) still in flight", inFlight.get());
        }
        promise.complete();
      }
    });
    return promise.future();
  }

  private static Duration remaining(long deadline) {
    return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
  }
}
