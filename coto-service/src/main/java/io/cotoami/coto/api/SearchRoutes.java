package io.cotoami.coto.api;

import io.cotoami.coto.domain.Caller;
import io.cotoami.coto.search.Search;
import io.cotoami.coto.search.SearchQuery;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /api/search?q=&cotonomaKey=&before=&limit=}: signed-in callers only. An anonymous
 * visitor's few cotos live in Redis, on their home alone, where the page already has them all;
 * search is for what an account holds, so an anonymous call is 401.
 */
final class SearchRoutes {
  private final Search search;

  SearchRoutes(Search search) {
    this.search = search;
  }

  void install(Router router) {
    router.get("/api/search").handler(this::search);
  }

  private void search(RoutingContext ctx) {
    Caller caller = Callers.required(ctx, "search");
    SearchQuery query = SearchQuery.of(ctx.request().getParam("q"), ctx.request().getParam("cotonomaKey"));
    Pages pages = Pages.from(ctx);
    search.search(caller, query, pages.before(), pages.limit())
        .onSuccess(list -> ctx.json(CotoApiVerticle.page(list, pages)))
        .onFailure(ctx::fail);
  }
}
