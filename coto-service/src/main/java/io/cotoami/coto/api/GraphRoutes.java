package io.cotoami.coto.api;

import io.cotoami.common.http.JsonBodies;
import io.cotoami.common.http.RequestIds;
import io.cotoami.coto.domain.Caller;
import io.cotoami.coto.domain.DomainProblems;
import io.cotoami.coto.domain.Connections;
import io.cotoami.coto.domain.Graph;
import io.cotoami.coto.domain.GraphReads;
import io.cotoami.coto.domain.Pins;
import io.cotoami.coto.store.Connection;
import io.cotoami.coto.store.Pin;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The graph under {@code /api/graph}: pins (a stock's entry points) and connections between cotos.
 * Signed-in callers only: an anonymous call is 401, before its body is looked at.
 */
final class GraphRoutes {
  static final int MAX_PHRASE = 200;
  private final Pins pins;
  private final Connections connections;
  private final GraphReads reads;
  private final int maxDepth;

  GraphRoutes(Graph graph) {
    this.pins = graph.pins();
    this.connections = graph.connections();
    this.reads = graph.reads();
    this.maxDepth = graph.limits().maxDepth();
  }

  void install(Router router) {
    router.post("/api/graph/pins").handler(this::pin);
    router.delete("/api/graph/pins/:id").handler(this::unpin);
    router.get("/api/graph/stock").handler(this::stock);
    router.get("/api/graph/stock.md").handler(this::stockMarkdown);
    router.put("/api/graph/stock/order").handler(this::reorderPins);
    router.post("/api/graph/connections").handler(this::connect);
    router.put("/api/graph/connections/:id").handler(this::relabel);
    router.delete("/api/graph/connections/:id").handler(this::disconnect);
    router.get("/api/graph/cotos/:id").handler(this::neighbourhood);
    router.put("/api/graph/cotos/:id/order").handler(this::reorderConnections);
    router.get("/api/graph/cotonomas/:key").handler(this::subgraph);
  }

  private void pin(RoutingContext ctx) {
    Caller caller = Callers.required(ctx, "pin cotos");
    JsonObject body = JsonBodies.object(ctx);
    UUID cotoId = uuid(body, "cotoId");
    String clientId = clientId(body);
    pins.pin(caller, cotoId, key(body), clientId, RequestIds.of(ctx))
        .onSuccess(pin -> ctx.response().setStatusCode(201).putHeader("Location", "/api/graph/pins/" + pin.id()))
        .onSuccess(pin -> ctx.json(pin.toJson()))
        .onFailure(ctx::fail);
  }

  private void unpin(RoutingContext ctx) {
    Caller caller = Callers.required(ctx, "unpin cotos");
    pins.unpin(caller, pathId(ctx, "pin"), RequestIds.of(ctx))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  private void reorderPins(RoutingContext ctx) {
    Caller caller = Callers.required(ctx, "reorder pins");
    JsonObject body = JsonBodies.object(ctx);
    List<UUID> pinIds = uuids(body, "pinIds");
    pins.reorderPins(caller, key(body), pinIds, RequestIds.of(ctx))
        .onSuccess(pins -> ctx.json(new JsonObject().put("pins", pins(pins))))
        .onFailure(ctx::fail);
  }

  private void stock(RoutingContext ctx) {
    Caller caller = Callers.required(ctx, "read a stock");
    String key = ctx.request().getParam("cotonomaKey");
    reads.stock(caller, key == null || key.isBlank() ? null : key, depth(ctx))
        .onSuccess(stock -> ctx.json(stock.put("tree", StockTree.of(stock))))
        .onFailure(ctx::fail);
  }

  /**
   * The same stock as Markdown, to keep or paste elsewhere (see {@link StockMarkdown}). Served as
   * {@code text/plain}, as raw Markdown usually is: Vert.x's OpenAPI contract, which the API tests
   * check answers against, refuses a {@code text/markdown} response.
   */
  private void stockMarkdown(RoutingContext ctx) {
    Caller caller = Callers.required(ctx, "export a stock");
    String key = ctx.request().getParam("cotonomaKey");
    reads.stock(caller, key == null || key.isBlank() ? null : key, depth(ctx))
        .onSuccess(stock -> ctx.response().putHeader("Content-Type", "text/plain; charset=utf-8")
            .putHeader("Content-Disposition", "attachment; filename=\"cotoami-stock.md\"")
            .end(StockMarkdown.render(stock)))
        .onFailure(ctx::fail);
  }

  private void connect(RoutingContext ctx) {
    Caller caller = Callers.required(ctx, "connect cotos");
    JsonObject body = JsonBodies.object(ctx);
    UUID sourceId = uuid(body, "sourceId");
    UUID targetId = uuid(body, "targetId");
    String phrase = phrase(body);
    String clientId = clientId(body);
    connections.connect(caller, sourceId, targetId, phrase, clientId, RequestIds.of(ctx))
        .onSuccess(c -> ctx.response().setStatusCode(201).putHeader("Location", "/api/graph/connections/" + c.id()))
        .onSuccess(c -> ctx.json(c.toJson()))
        .onFailure(ctx::fail);
  }

  private void relabel(RoutingContext ctx) {
    Caller caller = Callers.required(ctx, "relabel connections");
    UUID id = pathId(ctx, "connection");
    String phrase = phrase(JsonBodies.object(ctx));
    connections.relabel(caller, id, phrase, RequestIds.of(ctx))
        .onSuccess(c -> ctx.json(c.toJson()))
        .onFailure(ctx::fail);
  }

  private void disconnect(RoutingContext ctx) {
    Caller caller = Callers.required(ctx, "disconnect cotos");
    connections.disconnect(caller, pathId(ctx, "connection"), RequestIds.of(ctx))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  private void reorderConnections(RoutingContext ctx) {
    Caller caller = Callers.required(ctx, "reorder connections");
    UUID sourceId = pathId(ctx, "coto");
    List<UUID> ids = uuids(JsonBodies.object(ctx), "connectionIds");
    connections.reorderConnections(caller, sourceId, ids, RequestIds.of(ctx))
        .onSuccess(list -> ctx.json(new JsonObject().put("connections", connections(list))))
        .onFailure(ctx::fail);
  }

  private void neighbourhood(RoutingContext ctx) {
    Caller caller = Callers.required(ctx, "read the graph");
    reads.neighbourhood(caller, pathId(ctx, "coto"))
        .onSuccess(ctx::json)
        .onFailure(ctx::fail);
  }

  private void subgraph(RoutingContext ctx) {
    Caller caller = Callers.required(ctx, "read the graph");
    reads.subgraph(caller, ctx.pathParam("key"))
        .onSuccess(ctx::json)
        .onFailure(ctx::fail);
  }

  /** {@code ?depth=}, 1 to the configured most (its default). */
  private int depth(RoutingContext ctx) {
    int max = maxDepth;
    String given = ctx.request().getParam("depth");
    if (given == null || given.isBlank()) {
      return max;
    }
    try {
      int depth = Integer.parseInt(given.trim());
      if (depth >= 0 && depth <= max) {
        return depth;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw CotoInput.invalid("'depth' must be an integer from 0 to " + max + " (GRAPH_MAX_DEPTH).");
  }

  private static String key(JsonObject body) {
    String key = JsonBodies.optionalString(body, "cotonomaKey");
    return key == null || key.isBlank() ? null : key;
  }

  private static String clientId(JsonObject body) {
    String clientId = JsonBodies.optionalString(body, "clientId");
    if (clientId != null && (clientId.isBlank() || clientId.length() > CotoInput.MAX_CLIENT_ID)) {
      throw CotoInput.invalid("'clientId' must be 1 to " + CotoInput.MAX_CLIENT_ID + " characters.");
    }
    return clientId;
  }

  /** The optional phrase: blank is none; at most 200 characters. */
  private static String phrase(JsonObject body) {
    String phrase = JsonBodies.optionalString(body, "linkingPhrase");
    if (phrase == null || phrase.isBlank()) {
      return null;
    }
    if (phrase.codePointCount(0, phrase.length()) > MAX_PHRASE) {
      throw CotoInput.invalid("'linkingPhrase' is longer than " + MAX_PHRASE + " characters.");
    }
    return phrase;
  }

  private static UUID uuid(JsonObject body, String field) {
    String value = JsonBodies.optionalString(body, field);
    if (value == null) {
      throw CotoInput.invalid("'" + field + "' is required: the id of a coto.");
    }
    try {
      return UUID.fromString(value);
    } catch (IllegalArgumentException e) {
      throw CotoInput.invalid("'" + field + "' must be the id of a coto.");
    }
  }

  private static List<UUID> uuids(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (!(value instanceof JsonArray array)) {
      throw CotoInput.invalid("'" + field + "' is required: an array of ids.");
    }
    List<UUID> ids = new ArrayList<>(array.size());
    for (Object item : array) {
      try {
        ids.add(UUID.fromString((String) item));
      } catch (ClassCastException | IllegalArgumentException | NullPointerException e) {
        throw CotoInput.invalid("'" + field + "' must hold ids only.");
      }
    }
    return ids;
  }

  private static UUID pathId(RoutingContext ctx, String what) {
    try {
      return UUID.fromString(ctx.pathParam("id"));
    } catch (IllegalArgumentException e) {
      throw DomainProblems.notFound(what);
    }
  }

  private static JsonArray pins(List<Pin> pins) {
    JsonArray list = new JsonArray();
    pins.forEach(p -> list.add(p.toJson()));
    return list;
  }

  private static JsonArray connections(List<Connection> connections) {
    JsonArray list = new JsonArray();
    connections.forEach(c -> list.add(c.toJson()));
    return list;
  }
}
