package io.cotoami.coto.api;

import io.cotoami.common.http.Problems;
import io.cotoami.common.http.RequestIds;
import io.cotoami.common.session.AnonymousId;
import io.cotoami.coto.anonymous.AnonymousCoto;
import io.cotoami.coto.anonymous.AnonymousCotos;
import io.cotoami.coto.anonymous.AnonymousRefused;
import io.cotoami.coto.domain.DomainProblems;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.List;

/**
 * The HTTP side of anonymous cotos: the {@code anonymous_id} cookie and the JSON; what may be
 * done, and at what cost, is {@link AnonymousCotos}'. Refusals for now answer with Retry-After.
 */
final class AnonymousRoutes {
  private final AnonymousCotos anonymous;
  private final Duration retention;

  AnonymousRoutes(AnonymousCotos anonymous, Duration retention) {
    this.anonymous = anonymous;
    this.retention = retention;
  }

  void post(RoutingContext ctx, CotoInput input) {
    if (input.cotonomaKey() != null) {
      throw DomainProblems.signInRequired("Sign in to post in cotonomas.");
    }
    AnonymousId visitor = AnonymousId.of(ctx.request()).orElseGet(AnonymousId::generate);
    keep(ctx, visitor);
    anonymous.post(visitor, anonymous.clients().of(ctx.request()), input.content(), input.summary(), input.clientId(),
            RequestIds.of(ctx))
        .onSuccess(coto -> {
          ctx.response().setStatusCode(201).putHeader("Location", "/api/cotos/" + coto.id());
          ctx.json(coto.toJson());
        })
        .onFailure(e -> fail(ctx, e));
  }

  void home(RoutingContext ctx, Pages pages) {
    Future<List<AnonymousCoto>> list = AnonymousId.of(ctx.request())
        .map(visitor -> keep(ctx, visitor).timeline(visitor, pages.before(), pages.limit()))
        .orElseGet(() -> Future.succeededFuture(List.of()));
    list.onSuccess(found -> {
      JsonArray items = new JsonArray();
      found.forEach(coto -> items.add(coto.toJson()));
      JsonObject page = new JsonObject().put("cotos", items);
      if (found.size() == pages.limit()) {
        page.put("next", String.valueOf(found.get(found.size() - 1).seq()));
      }
      ctx.json(page);
    }).onFailure(ctx::fail);
  }

  void get(RoutingContext ctx) {
    anonymous.get(owner(ctx), ctx.pathParam("id"))
        .onSuccess(coto -> ctx.json(coto.toJson()))
        .onFailure(ctx::fail);
  }

  void edit(RoutingContext ctx, CotoInput input) {
    anonymous.edit(owner(ctx), anonymous.clients().of(ctx.request()), ctx.pathParam("id"), input.content(),
            input.summary(), RequestIds.of(ctx))
        .onSuccess(coto -> ctx.json(coto.toJson()))
        .onFailure(e -> fail(ctx, e));
  }

  void delete(RoutingContext ctx) {
    anonymous.delete(owner(ctx), ctx.pathParam("id"), RequestIds.of(ctx))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(e -> fail(ctx, e));
  }

  /** The visitor whose cotos these are; without a valid anonymous_id nothing is theirs: 404. */
  private AnonymousId owner(RoutingContext ctx) {
    AnonymousId visitor = AnonymousId.of(ctx.request()).orElseThrow(() -> DomainProblems.notFound("coto"));
    keep(ctx, visitor);
    return visitor;
  }

  /** Sets the cookie again so that it lives as long as the data: {@code retention} from the last use. */
  private AnonymousCotos keep(RoutingContext ctx, AnonymousId visitor) {
    boolean https = "https".equalsIgnoreCase(ctx.request().getHeader("X-Forwarded-Proto"));
    ctx.response().addCookie(visitor.cookie(retention, https));
    return anonymous;
  }

  private static void fail(RoutingContext ctx, Throwable e) {
    if (e instanceof AnonymousRefused refused) {
      ctx.response().putHeader("Retry-After", String.valueOf(refused.retryAfterSeconds()));
      Problems.send(ctx, refused.problem());
    } else {
      ctx.fail(e);
    }
  }
}
