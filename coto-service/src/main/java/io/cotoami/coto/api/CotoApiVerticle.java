package io.cotoami.coto.api;

import io.cotoami.common.bus.Addresses;
import io.cotoami.common.bus.BusHeaders;
import io.cotoami.common.http.JsonBodies;
import io.cotoami.common.http.RequestIds;
import io.cotoami.common.runtime.ServiceInstance;
import io.cotoami.coto.anonymous.AnonymousCoto;
import io.cotoami.coto.anonymous.AnonymousCotoRepository;
import io.cotoami.coto.anonymous.AnonymousIds;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.util.List;

/** coto-service's HTTP API (reached through the gateway). */
public final class CotoApiVerticle extends VerticleBase {
  private final ServiceInstance instance;
  private final AnonymousCotoRepository anonymous;
  private final Duration retention;

  public CotoApiVerticle(ServiceInstance instance, AnonymousCotoRepository anonymous, Duration retention) {
    this.instance = instance;
    this.anonymous = anonymous;
    this.retention = retention;
  }

  @Override
  public Future<?> start() {
    Router router = instance.router();
    BodyHandler body = BodyHandler.create(false).setBodyLimit(instance.config().bodyLimit());
    router.post("/api/cotos").handler(body).handler(this::post);
    router.get("/api/cotos").handler(this::home);
    return instance.serve(router);
  }

  private void post(RoutingContext ctx) {
    CotoInput input = CotoInput.from(JsonBodies.object(ctx));
    String anonymousId = AnonymousIds.existingOrNew(ctx, retention);
    anonymous.post(anonymousId, input.content(), input.summary())
        .onSuccess(coto -> {
          publishPosted(ctx, anonymousId, coto);
          ctx.response().setStatusCode(201);
          ctx.json(coto.toJson());
        })
        .onFailure(ctx::fail);
  }

  private void home(RoutingContext ctx) {
    Pages pages = Pages.from(ctx);
    String anonymousId = AnonymousIds.existing(ctx);
    if (anonymousId != null) {
      AnonymousIds.refresh(ctx, anonymousId, retention);
    }
    Future<List<AnonymousCoto>> cotos = anonymousId == null
        ? Future.succeededFuture(List.of())
        : anonymous.timeline(anonymousId, pages.before(), pages.limit());
    cotos.onSuccess(list -> {
      JsonArray items = new JsonArray();
      list.forEach(coto -> items.add(coto.toJson()));
      JsonObject page = new JsonObject().put("cotos", items);
      if (list.size() == pages.limit()) {
        page.put("next", String.valueOf(list.get(list.size() - 1).seq()));
      }
      ctx.json(page);
    }).onFailure(ctx::fail);
  }

  private void publishPosted(RoutingContext ctx, String anonymousId, AnonymousCoto coto) {
    JsonObject event = new JsonObject()
        .put("timeline", AnonymousIds.timeline(anonymousId))
        .put("eventId", coto.seq())
        .put("coto", coto.toJson());
    vertx.eventBus().publish(Addresses.COTO_POSTED, event,
        BusHeaders.withRequestId(RequestIds.of(ctx), instance.config().busTimeout()));
  }
}
