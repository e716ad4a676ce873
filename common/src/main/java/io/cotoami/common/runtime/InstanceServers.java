package io.cotoami.common.runtime;

import io.cotoami.common.config.InstanceConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * An instance's two HTTP servers, public (the API) and management ({@link ManagementRoutes}): the
 * options they share, a {@link ConnectionGuard} each, and their ports' {@link AcceptGate}s.
 */
final class InstanceServers {
  private final Vertx vertx;
  private final InstanceConfig config;
  private final PrometheusMeterRegistry registry;
  private volatile HttpServer server;
  private volatile HttpServer management;

  InstanceServers(Vertx vertx, InstanceConfig config, PrometheusMeterRegistry registry) {
    this.vertx = vertx;
    this.config = config;
    this.registry = registry;
  }

  /** The port actually bound (differs from the configured one when that was 0). */
  int httpPort() {
    return server == null ? -1 : server.actualPort();
  }

  int managementPort() {
    return management == null ? -1 : management.actualPort();
  }

  /** Connections open now on the public port. */
  int publicConnections() {
    return server == null ? 0 : AcceptGate.open(server.actualPort());
  }

  /** Binds the public server, then the management one (its routes made then); the public one. */
  Future<HttpServer> bind(Router router, Supplier<Router> managementRouter) {
    HttpServerOptions options = serverOptions(config.httpHost(), config.httpPort())
        .setCompressionSupported(true)
        // A hard bound on what one WebSocket message may make us hold; the gateway refuses much
        // less (64 KiB) itself, with a proper 1009 close.
        .setMaxWebSocketFrameSize(256 * 1024)
        .setMaxWebSocketMessageSize(256 * 1024)
        .setMaxFormAttributeSize((int) Math.min(Integer.MAX_VALUE, config.bodyLimit()));
    ConnectionGuard guard = new ConnectionGuard(vertx, config.connections(), "public", registry);
    ConnectionGuard managementGuard = new ConnectionGuard(vertx, config.connections(), "management", registry);
    return listen(options, guard, router, config.httpHost() + ":" + config.httpPort())
        .compose(bound -> {
          server = bound;
          AcceptGate.limit(bound.actualPort(), config.connections(), "public", registry);
          return listen(serverOptions(config.managementHost(), config.managementPort()), managementGuard,
              managementRouter.get(), config.managementHost() + ":" + config.managementPort() + " (MANAGEMENT_PORT)")
              .map(m -> {
                management = m;
                AcceptGate.count(m.actualPort(), "management", registry);
                return bound;
              });
        });
  }

  /** Shuts the public server down (its open connections too), for at most {@code within}. */
  Future<Void> shutdown(Duration within) {
    return server == null ? Future.succeededFuture() : server.shutdown(within.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Drops the ports' accept gates, once the servers are closed. */
  void forget() {
    if (server != null) {
      AcceptGate.forget(server.actualPort());
    }
    if (management != null) {
      AcceptGate.forget(management.actualPort());
    }
  }

  private Future<HttpServer> listen(HttpServerOptions options, ConnectionGuard guard, Router router, String where) {
    return vertx.createHttpServer(options)
        .connectionHandler(guard::connected)
        .requestHandler(request -> {
          guard.requested(request);
          router.handle(request);
        })
        .listen()
        .recover(e -> Future.failedFuture(new IllegalStateException(
            "cannot listen on " + where + ": " + e.getMessage(), e)));
  }

  /**
   * Options both servers share: HTTP/1.1 only (no h2c, by prior knowledge or by Upgrade: one
   * protocol to get right at the edge) and the idle timeout; the public one adds its bounds.
   */
  private HttpServerOptions serverOptions(String host, int port) {
    return new HttpServerOptions()
        .setHost(host)
        .setPort(port)
        .setHttp2ClearTextEnabled(false)
        .setIdleTimeout((int) Math.max(1, config.connections().idleTimeout().toMillis()))
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
  }
}
