package io.cotoami.auth.api;

import io.cotoami.common.runtime.ServiceInstance;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/**
 * auth-service's HTTP API. Until sign-in exists every visitor is anonymous, and {@code GET
 * /api/session} says so.
 */
public final class SessionApiVerticle extends VerticleBase {
  private final ServiceInstance instance;

  public SessionApiVerticle(ServiceInstance instance) {
    this.instance = instance;
  }

  @Override
  public Future<?> start() {
    Router router = instance.router();
    router.get("/api/session").handler(ctx -> ctx.json(new JsonObject().put("anonymous", true)));
    return instance.serve(router);
  }
}
