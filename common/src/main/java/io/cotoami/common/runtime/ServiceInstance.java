package io.cotoami.common.runtime;

import io.cotoami.common.cluster.ClusterLeave;
import io.cotoami.common.cluster.ClusterReadiness;
import io.cotoami.common.cluster.ClusteredVertx;
import io.cotoami.common.config.InstanceConfig;
import io.cotoami.common.http.Problems;
import io.cotoami.common.http.RequestIds;
import io.cotoami.common.log.LogContext;
import io.cotoami.common.registry.InstanceAnnouncer;
import io.cotoami.common.registry.InstanceInfo;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running instance of a service: its clustered Vert.x, metrics, readiness checks, HTTP servers
 * ({@link InstanceServers}, the management routes in {@link ManagementRoutes}), requests in flight
 * ({@link InFlightRequests}), announcements, and graceful shutdown. Every service's {@code XxxMain}
 * starts one; tests start several in one JVM, each with its own Vert.x, to exercise the real wiring.
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
  private final ManagementRoutes management;
  private final InstanceServers servers;
  private final ClusterReadiness cluster;
  private final ClusterLeave leave;
  private final InFlightRequests inFlight = new InFlightRequests();
  private final long startedAt = System.currentTimeMillis();
  private volatile boolean draining;
  private volatile InstanceAnnouncer announcer;
  private volatile Router served;
  private volatile String publicUrl;
  private Future<Void> shutdown;

  private ServiceInstance(InstanceConfig config, ClusteredVertx.Started started, PrometheusMeterRegistry registry) {
    this.config = config;
    this.vertx = started.vertx();
    this.clusterManager = started.clusterManager();
    this.registry = registry;
    this.management = new ManagementRoutes(vertx, config, startedAt, registry, inFlight, () -> draining);
    this.servers = new InstanceServers(vertx, config, registry);
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
    return inFlight.count();
  }

  /** The port actually bound (differs from the configured one when that was 0). */
  public int httpPort() {
    return servers.httpPort();
  }

  /** The management port actually bound: {@code /health/*}, {@code /metrics}, {@code /debug}, {@code /log-level}. */
  public int managementPort() {
    return servers.managementPort();
  }

  /** Connections open now on the public port. */
  public int publicConnections() {
    return servers.publicConnections();
  }

  /** Adds a readiness check: the instance is ready only when every check succeeds within two seconds. */
  public void readinessCheck(String name, Supplier<Future<?>> probe) {
    management.readinessCheck(name, probe);
  }

  /**
   * The public router: request ids, in-flight tracking and problem+json errors, and {@code /debug}
   * only with {@code DEBUG_ROUTES} or {@code DEV_MODE}. Health, metrics and debug are always on the
   * management port ({@link #serve(Router)} binds it).
   */
  public Router router() {
    Router router = Router.router(vertx);
    router.route().handler(new RequestIds()).handler(inFlight::track);
    if (config.debugRoutes()) {
      router.get("/debug").handler(new DebugHandler(config, startedAt));
    }
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

  /** Binds the public and the management HTTP servers, then announces the instance to the cluster. */
  public Future<HttpServer> serve(Router router) {
    served = router;
    return servers.bind(router, management::router)
        .compose(bound -> {
          announcer = new InstanceAnnouncer(vertx, new InstanceInfo(config.service(), config.instanceId(),
              clusterManager.getNodeId(), config.announceHost(), bound.actualPort(), InstanceInfo.State.READY,
              startedAt, publicUrl));
          return announcer.start().map(bound);
        })
        .onSuccess(bound -> LOG.info("{} listening on {}:{}, management on {}:{}", config.service(),
            config.httpHost(), bound.actualPort(), config.managementHost(), servers.managementPort()));
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
    LOG.info("Draining: {} request(s) in flight, grace period {}", inFlight.count(), config.shutdownGrace());
    if (announcer != null) {
      announcer.draining();
    }
    // Hand the partitions over while draining, so that leaving has nothing left to wait for.
    leave.demote();
    long deadline = System.nanoTime() + config.shutdownGrace().toNanos();
    shutdown = delay(DRAIN_NOTICE)
        .compose(v -> inFlight.awaitIdle(vertx, deadline))
        // Nothing is in flight: say goodbye first, so that gateways drop us at once.
        .compose(v -> announcer == null ? Future.succeededFuture()
            : announcer.stop().timeout(GOODBYE_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                .recover(e -> {
                  LOG.warn("Goodbye not finished within {}: {}", GOODBYE_TIMEOUT, e.toString());
                  return Future.succeededFuture();
                }))
        .compose(v -> servers.shutdown(remaining(deadline)))
        .eventually(this::closeVertx)
        .andThen(ar -> servers.forget())
        .onSuccess(v -> LOG.info("Stopped and left the cluster"));
    return shutdown;
  }

  /** Leaves the cluster, then closes Vert.x, for at most {@link #LEAVE_TIMEOUT} ({@link ClusterLeave#close}). */
  private Future<Void> closeVertx() {
    return leave.close(vertx, LEAVE_TIMEOUT, config.service() + "-close");
  }

  private Future<Void> delay(Duration duration) {
    Promise<Void> promise = Promise.promise();
    vertx.setTimer(Math.max(1, duration.toMillis()), id -> promise.complete());
    return promise.future();
  }

  private static Duration remaining(long deadline) {
    return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
  }
}
