package io.cotoami.common.runtime;

import io.cotoami.common.config.InstanceConfig;
import io.cotoami.common.http.Problems;
import io.cotoami.common.http.RequestIds;
import io.cotoami.common.log.LogLevelHandler;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.CheckResult;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What the management port serves: {@code /health/live}, {@code /health/ready} (the readiness
 * checks, and DOWN while draining), {@code /metrics}, {@code /debug} and {@code /log-level}.
 */
final class ManagementRoutes {
  private final Vertx vertx;
  private final InstanceConfig config;
  private final long startedAt;
  private final PrometheusMeterRegistry registry;
  private final InFlightRequests inFlight;
  private final BooleanSupplier draining;
  private final HealthChecks readiness;

  ManagementRoutes(Vertx vertx, InstanceConfig config, long startedAt, PrometheusMeterRegistry registry,
      InFlightRequests inFlight, BooleanSupplier draining) {
    this.vertx = vertx;
    this.config = config;
    this.startedAt = startedAt;
    this.registry = registry;
    this.inFlight = inFlight;
    this.draining = draining;
    this.readiness = HealthChecks.create(vertx);
  }

  /** Adds a readiness check: the instance is ready only when every check succeeds within two seconds. */
  void readinessCheck(String name, Supplier<Future<?>> probe) {
    readiness.register(name, 2000, promise -> probe.get().onComplete(ar -> {
      if (ar.succeeded()) {
        promise.complete(Status.OK());
      } else {
        promise.complete(Status.KO(new JsonObject().put("error", String.valueOf(ar.cause().getMessage()))));
      }
    }));
  }

  Router router() {
    Router router = Router.router(vertx);
    router.route().handler(new RequestIds()).handler(inFlight::track);
    router.get("/health/live").handler(ctx -> ctx.json(new JsonObject().put("status", "UP")));
    router.get("/health/ready").handler(this::ready);
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
    router.get("/debug").handler(new DebugHandler(config, startedAt));
    router.get("/log-level").handler(LogLevelHandler::get);
    router.put("/log-level").handler(BodyHandler.create(false).setBodyLimit(1024)).handler(LogLevelHandler::put);
    Problems.install(router);
    return router;
  }

  private void ready(RoutingContext ctx) {
    if (draining.getAsBoolean()) {
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
}
