package io.cotoami.coto.domain;

import io.cotoami.coto.graph.GraphConfig;
import io.cotoami.coto.store.Connection;
import io.cotoami.coto.store.Coto;
import io.cotoami.coto.store.Db;
import io.cotoami.coto.store.GraphRepository;
import io.cotoami.coto.store.Pin;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Reading the graph: a stock and what its pins lead to, one coto's neighbourhood, and a cotonoma's
 * subgraph, each only what the caller may read. Each read is bounded by {@code GRAPH_MAX_NODES}; the
 * stock and the subgraph say {@code truncated} when that cut them short.
 */
public final class GraphReads {
  private final Db db;
  private final GraphRepository graph;
  private final GraphConfig limits;
  private final GraphAccess access;

  GraphReads(Db db, GraphRepository graph, GraphConfig limits, GraphAccess access) {
    this.db = db;
    this.graph = graph;
    this.limits = limits;
    this.access = access;
  }

  /** The stock as pins and what they lead to within {@code depth} connections, only what the caller may read. */
  public Future<JsonObject> stock(Caller caller, String cotonomaKey, int depth) {
    String stock = GraphAccess.stock(caller, cotonomaKey);
    return db.read(conn -> access.openStock(conn, caller, cotonomaKey)
        // One more than the bound: whether the answer was cut short, said as `truncated`.
        .compose(n -> graph.reachable(conn, stock, depth, limits.maxNodes() + 1))
        .compose(reached -> access.readableAmong(conn, caller, atMost(reached, limits.maxNodes()))
            .compose(seen -> graph.pins(conn, stock).compose(pins -> graph.among(conn, new ArrayList<>(seen.keySet()))
                .map(connections -> tree(stock, depth, pins, seen, connections)
                    .put("truncated", reached.size() > limits.maxNodes()))))));
  }

  /** One coto with the connections into and out of it whose other end the caller may read. */
  public Future<JsonObject> neighbourhood(Caller caller, UUID cotoId) {
    return db.read(conn -> access.readable(conn, caller, cotoId, "coto")
        .compose(coto -> graph.outgoing(conn, cotoId).compose(out -> graph.incoming(conn, cotoId, limits.maxNodes())
            .compose(in -> {
              List<UUID> others = new ArrayList<>();
              out.forEach(c -> others.add(c.targetId()));
              in.forEach(c -> others.add(c.sourceId()));
              return access.readableAmong(conn, caller, others).map(seen -> new JsonObject()
                  .put("coto", coto.toJson())
                  .put("outgoing", ends(out, seen, true))
                  .put("incoming", ends(in, seen, false)));
            }))));
  }

  /** The connections between cotos of one cotonoma the caller may open, and those cotos. */
  public Future<JsonObject> subgraph(Caller caller, String cotonomaKey) {
    return db.read(conn -> access.openStock(conn, caller, cotonomaKey)
        .compose(n -> graph.inCotonoma(conn, cotonomaKey, limits.maxNodes() + 1))
        .compose(read -> {
          boolean truncated = read.size() > limits.maxNodes();
          List<Connection> connections = atMost(read, limits.maxNodes());
          Set<UUID> ids = new HashSet<>();
          connections.forEach(c -> {
            ids.add(c.sourceId());
            ids.add(c.targetId());
          });
          return graph.cotos(conn, new ArrayList<>(ids)).map(found -> {
            JsonArray cotoList = new JsonArray();
            found.forEach(c -> cotoList.add(c.toJson()));
            JsonArray connectionList = new JsonArray();
            connections.forEach(c -> connectionList.add(c.toJson()));
            return new JsonObject().put("cotonomaKey", cotonomaKey).put("cotos", cotoList)
                .put("connections", connectionList).put("truncated", truncated);
          });
        }));
  }

  /** The first {@code max} of {@code list} (read with one more, to tell whether there were more). */
  private static <T> List<T> atMost(List<T> list, int max) {
    return list.size() > max ? list.subList(0, max) : list;
  }

  private static JsonObject tree(String stock, int depth, List<Pin> pins, Map<UUID, Coto> seen,
      List<Connection> connections) {
    // Only what is reached from a pin through cotos the caller may read.
    Map<UUID, List<Connection>> out = new HashMap<>();
    connections.forEach(c -> out.computeIfAbsent(c.sourceId(), k -> new ArrayList<>()).add(c));
    Set<UUID> reached = new HashSet<>();
    List<UUID> frontier = new ArrayList<>();
    JsonArray pinList = new JsonArray();
    for (Pin pin : pins) {
      if (seen.containsKey(pin.cotoId())) {
        pinList.add(pin.toJson());
        if (reached.add(pin.cotoId())) {
          frontier.add(pin.cotoId());
        }
      }
    }
    JsonArray connectionList = new JsonArray();
    for (int level = 0; level < depth && !frontier.isEmpty(); level++) {
      List<UUID> next = new ArrayList<>();
      for (UUID id : frontier) {
        for (Connection c : out.getOrDefault(id, List.of())) {
          connectionList.add(c.toJson());
          if (reached.add(c.targetId())) {
            next.add(c.targetId());
          }
        }
      }
      frontier = next;
    }
    JsonArray cotoList = new JsonArray();
    seen.values().stream().filter(c -> reached.contains(c.id())).forEach(c -> cotoList.add(c.toJson()));
    return new JsonObject().put("stock", stock).put("depth", depth).put("pins", pinList).put("cotos", cotoList)
        .put("connections", connectionList);
  }

  private static JsonArray ends(List<Connection> connections, Map<UUID, Coto> seen, boolean outgoing) {
    JsonArray list = new JsonArray();
    for (Connection c : connections) {
      Coto other = seen.get(outgoing ? c.targetId() : c.sourceId());
      if (other != null) {
        list.add(new JsonObject().put("connection", c.toJson()).put("coto", other.toJson()));
      }
    }
    return list;
  }
}
