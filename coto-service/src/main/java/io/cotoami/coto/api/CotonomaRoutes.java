package io.cotoami.coto.api;

import io.cotoami.common.http.JsonBodies;
import io.cotoami.common.http.RequestIds;
import io.cotoami.coto.domain.Caller;
import io.cotoami.coto.domain.Cotonomas;
import io.cotoami.coto.domain.Cotos;
import io.cotoami.coto.domain.MyCotonomas;
import io.cotoami.coto.invite.Invitations;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /api/cotonomas/...}: cotonomas, their timelines and members, and
 * {@code /api/cotos/:id/cotonomatize}. Signed-in callers only.
 */
final class CotonomaRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(CotonomaRoutes.class);
  private final Cotos cotos;
  private final Cotonomas cotonomas;
  private final MyCotonomas mine;
  private final Invitations invitations;

  CotonomaRoutes(Cotos cotos, Cotonomas cotonomas, MyCotonomas mine, Invitations invitations) {
    this.cotos = cotos;
    this.cotonomas = cotonomas;
    this.mine = mine;
    this.invitations = invitations;
  }

  void install(Router router) {
    router.get("/api/cotonomas").handler(this::list);
    router.put("/api/cotonomas/:key/read").handler(this::markRead);
    router.post("/api/cotonomas").handler(this::create);
    router.post("/api/cotos/:id/cotonomatize").handler(this::cotonomatize);
    router.get("/api/cotonomas/:key").handler(this::get);
    router.put("/api/cotonomas/:key").handler(this::rename);
    router.delete("/api/cotonomas/:key").handler(this::delete);
    router.get("/api/cotonomas/:key/cotos").handler(this::timeline);
    router.get("/api/cotonomas/:key/members").handler(this::members);
    router.post("/api/cotonomas/:key/members").handler(this::addMember);
    router.delete("/api/cotonomas/:key/members/:email").handler(this::removeMember);
  }

  private void create(RoutingContext ctx) {
    Caller caller = Callers.required(ctx, "create cotonomas");
    CotonomaInput input = CotonomaInput.from(JsonBodies.object(ctx));
    cotonomas.create(caller, input.name(), input.parentKey(), RequestIds.of(ctx))
        .onSuccess(created -> {
          ctx.response().setStatusCode(201).putHeader("Location", "/api/cotonomas/" + created.cotonoma().key());
          ctx.json(created.cotonoma().toJson().put("coto", created.coto().toJson()));
        })
        .onFailure(ctx::fail);
  }

  /** 201 when the coto became a cotonoma now, 200 when it was one already (a retry is safe). */
  private void cotonomatize(RoutingContext ctx) {
    Caller caller = Callers.required(ctx, "turn cotos into cotonomas");
    cotonomas.cotonomatize(caller, CotoApiVerticle.cotoId(ctx), RequestIds.of(ctx))
        .onSuccess(made -> {
          ctx.response().setStatusCode(made.created() ? 201 : 200)
              .putHeader("Location", "/api/cotonomas/" + made.cotonoma().key());
          ctx.json(made.cotonoma().toJson().put("coto", made.coto().toJson()));
        })
        .onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx) {
    Caller caller = Callers.required(ctx, "see your cotonomas");
    int limit = Pages.limit(ctx);
    String rawBefore = ctx.request().getParam("before");
    MyCotonomas.Cursor before = rawBefore == null ? null : MyCotonomas.Cursor.parse(rawBefore);
    if (rawBefore != null && before == null) {
      throw Pages.invalidCursor();
    }
    mine.page(caller, before, limit).onSuccess(ctx::json).onFailure(ctx::fail);
  }

  private void markRead(RoutingContext ctx) {
    Caller caller = Callers.required(ctx, "keep track of what you read");
    mine.markRead(caller, ctx.pathParam("key"))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    Caller caller = Callers.required(ctx, "open cotonomas");
    cotonomas.get(caller, ctx.pathParam("key")).onSuccess(ctx::json).onFailure(ctx::fail);
  }

  private void rename(RoutingContext ctx) {
    Caller caller = Callers.required(ctx, "rename cotonomas");
    CotonomaInput input = CotonomaInput.from(JsonBodies.object(ctx));
    cotonomas.rename(caller, ctx.pathParam("key"), input.name(), RequestIds.of(ctx))
        .onSuccess(cotonoma -> ctx.json(cotonoma.toJson()))
        .onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx) {
    Caller caller = Callers.required(ctx, "delete cotonomas");
    cotonomas.delete(caller, ctx.pathParam("key"), RequestIds.of(ctx))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  private void timeline(RoutingContext ctx) {
    Caller caller = Callers.required(ctx, "open cotonomas");
    Pages pages = Pages.from(ctx);
    cotos.inCotonoma(caller, ctx.pathParam("key"), pages.before(), pages.limit())
        .onSuccess(list -> ctx.json(CotoApiVerticle.page(list, pages)))
        .onFailure(ctx::fail);
  }

  private void members(RoutingContext ctx) {
    Caller caller = Callers.required(ctx, "see members");
    cotonomas.members(caller, ctx.pathParam("key")).onSuccess(ctx::json).onFailure(ctx::fail);
  }

  private void addMember(RoutingContext ctx) {
    Caller caller = Callers.required(ctx, "add members");
    String email = MemberInput.email(JsonBodies.object(ctx));
    cotonomas.addMember(caller, ctx.pathParam("key"), email, RequestIds.of(ctx))
        .compose(added -> (added.created() ? invite(ctx, email, added) : Future.succeededFuture(false))
            .onSuccess(mailed -> {
              ctx.response().setStatusCode(added.created() ? 201 : 200);
              ctx.json(new JsonObject().put("email", email).put("addedAt", added.member().getString("addedAt"))
                  .put("invited", mailed));
            }))
        .onFailure(ctx::fail);
  }

  /**
   * Queues the invitation, in the invitee's language when known (they signed in before), else in
   * the language the person who shares prefers. The membership is committed whatever happens here: a mail that
   * cannot be queued is logged and answered as {@code invited: false}, never as a failure.
   */
  private Future<Boolean> invite(RoutingContext ctx, String email, Cotonomas.Added added) {
    return invitations.queue(email, added.cotonoma().name(), added.cotonoma().key(), Callers.name(ctx),
            ctx.request().getHeader("Accept-Language"), RequestIds.of(ctx))
        .map(id -> true)
        .otherwise(e -> {
          LOG.warn("Invitation mail not queued (request {}): {}", RequestIds.of(ctx), e.toString());
          return false;
        });
  }

  private void removeMember(RoutingContext ctx) {
    Caller caller = Callers.required(ctx, "remove members");
    String email = MemberInput.email(ctx.pathParam("email"));
    cotonomas.removeMember(caller, ctx.pathParam("key"), email, RequestIds.of(ctx))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }
}
