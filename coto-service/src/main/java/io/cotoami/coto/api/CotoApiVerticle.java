package io.cotoami.coto.api;

import io.cotoami.common.config.InstanceConfig;
import io.cotoami.common.http.JsonBodies;
import io.cotoami.common.http.RequestIds;
import io.cotoami.common.runtime.ServiceInstance;
import io.cotoami.common.session.SessionVerifier;
import io.cotoami.coto.anonymous.AnonymousCotos;
import io.cotoami.coto.domain.Caller;
import io.cotoami.coto.domain.Cotonomas;
import io.cotoami.coto.domain.Cotos;
import io.cotoami.coto.domain.DomainProblems;
import io.cotoami.coto.domain.Graph;
import io.cotoami.coto.domain.MyCotonomas;
import io.cotoami.coto.invite.Invitations;
import io.cotoami.coto.exchange.Exporter;
import io.cotoami.coto.exchange.Importer;
import io.cotoami.coto.graph.GraphConfig;
import io.cotoami.coto.search.Search;
import io.cotoami.coto.store.Coto;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * coto-service's HTTP API (reached through the gateway). Signed-in callers' cotos and cotonomas
 * live in PostgreSQL; anonymous visitors' cotos in the anonymous Redis ({@link AnonymousRoutes}).
 */
public final class CotoApiVerticle extends VerticleBase {
  private final ServiceInstance instance;
  private final AnonymousRoutes anonymous;
  private final SessionVerifier verifier;
  private final Cotos cotos;
  private final Cotonomas cotonomas;
  private final MyCotonomas mine;
  private final Invitations invitations;
  private final Search search;
  private final Graph graph;
  private final ExchangeRoutes exchange;

  public CotoApiVerticle(ServiceInstance instance, AnonymousCotos anonymous, Duration retention,
      SessionVerifier verifier, Cotos cotos, Cotonomas cotonomas, MyCotonomas mine, Invitations invitations, Search search,
      Graph graph, Exporter exporter, Importer importer, GraphConfig limits, int importsAtOnce, int exportsAtOnce) {
    this.graph = graph;
    this.exchange = new ExchangeRoutes(exporter, importer, limits, importsAtOnce, exportsAtOnce);
    this.instance = instance;
    this.anonymous = new AnonymousRoutes(anonymous, retention);
    this.verifier = verifier;
    this.cotos = cotos;
    this.cotonomas = cotonomas;
    this.mine = mine;
    this.invitations = invitations;
    this.search = search;
  }

  @Override
  public Future<?> start() {
    Router router = instance.router();
    // The body is read before the (asynchronous) session check, so none of it is lost meanwhile.
    // An exported document coming back is the one larger body (IMPORT_BODY_LIMIT); the body handler
    // of /api/* then sees the body read and passes.
    router.post(InstanceConfig.IMPORT_PATH).handler(exchange::admit);
    router.post(InstanceConfig.IMPORT_PATH)
        .handler(BodyHandler.create(false).setBodyLimit(instance.config().bodyLimitFor(InstanceConfig.IMPORT_PATH)));
    router.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(instance.config().bodyLimit()))
        .handler(new Callers(verifier)::handle);
    router.post("/api/cotos").handler(this::post);
    router.get("/api/cotos").handler(this::home);
    router.get("/api/cotos/:id").handler(this::get);
    router.put("/api/cotos/:id").handler(this::edit);
    router.delete("/api/cotos/:id").handler(this::delete);
    router.post("/api/cotos/:id/reposts").handler(this::repost);
    new CotonomaRoutes(cotos, cotonomas, mine, invitations).install(router);
    new SearchRoutes(search).install(router);
    new GraphRoutes(graph).install(router);
    exchange.install(router);
    return instance.serve(router);
  }

  private void post(RoutingContext ctx) {
    CotoInput input = CotoInput.from(JsonBodies.object(ctx));
    Caller caller = Callers.of(ctx);
    if (caller == null) {
      anonymous.post(ctx, input);
      return;
    }
    cotos.post(caller, input.content(), input.summary(), input.cotonomaKey(), input.clientId(), RequestIds.of(ctx))
        .onSuccess(coto -> ctx.response().setStatusCode(201).putHeader("Location", "/api/cotos/" + coto.id()))
        .onSuccess(coto -> ctx.json(coto.toJson()))
        .onFailure(ctx::fail);
  }

  /** {@code {cotonomaKey}}: 201 with the repost, or 200 with the one already there. */
  private void repost(RoutingContext ctx) {
    Caller caller = Callers.required(ctx, "repost cotos");
    String cotonomaKey = JsonBodies.optionalString(JsonBodies.object(ctx), "cotonomaKey");
    if (cotonomaKey == null || cotonomaKey.isBlank()) {
      throw CotoInput.invalid("'cotonomaKey' is required: the cotonoma to repost into.");
    }
    cotos.repost(caller, cotoId(ctx), cotonomaKey, RequestIds.of(ctx))
        .onSuccess(reposted -> {
          ctx.response().setStatusCode(reposted.created() ? 201 : 200)
              .putHeader("Location", "/api/cotos/" + reposted.coto().id());
          ctx.json(reposted.coto().toJson());
        })
        .onFailure(ctx::fail);
  }

  private void home(RoutingContext ctx) {
    Pages pages = Pages.from(ctx);
    Caller caller = Callers.of(ctx);
    if (caller == null) {
      anonymous.home(ctx, pages);
      return;
    }
    cotos.home(caller, pages.before(), pages.limit())
        .onSuccess(list -> ctx.json(page(list, pages)))
        .onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    Caller caller = Callers.of(ctx);
    if (caller == null) {
      anonymous.get(ctx);
      return;
    }
    cotos.get(caller, cotoId(ctx))
        .onSuccess(coto -> ctx.json(coto.toJson()))
        .onFailure(ctx::fail);
  }

  private void edit(RoutingContext ctx) {
    Caller caller = Callers.of(ctx);
    CotoInput input = CotoInput.from(JsonBodies.object(ctx));
    if (caller == null) {
      anonymous.edit(ctx, input);
      return;
    }
    UUID id = cotoId(ctx);
    cotos.edit(caller, id, input.content(), input.summary(), RequestIds.of(ctx))
        .onSuccess(coto -> ctx.json(coto.toJson()))
        .onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx) {
    Caller caller = Callers.of(ctx);
    if (caller == null) {
      anonymous.delete(ctx);
      return;
    }
    cotos.delete(caller, cotoId(ctx), RequestIds.of(ctx))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  /** A page of a timeline: {@code next} is present when the page is full. */
  static JsonObject page(List<Coto> list, Pages pages) {
    JsonArray items = new JsonArray();
    list.forEach(coto -> items.add(coto.toJson()));
    JsonObject page = new JsonObject().put("cotos", items);
    if (list.size() == pages.limit()) {
      page.put("next", String.valueOf(list.get(list.size() - 1).seq()));
    }
    return page;
  }

  /** The {@code :id} path parameter; 404 when it is no coto id at all. */
  static UUID cotoId(RoutingContext ctx) {
    try {
      return UUID.fromString(ctx.pathParam("id"));
    } catch (IllegalArgumentException e) {
      throw DomainProblems.notFound("coto");
    }
  }
}
