package io.cotoami.coto.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A stock (its pins, cotos and connections, as {@link io.cotoami.coto.domain.GraphReads} reads it) as
 * the tree it is read as: each pin in order, the connections out of each coto nested under it in
 * their order. The one home of the walk, for the JSON answer and for {@link StockMarkdown}:
 * <ul>
 *   <li>a node is {@code {cotoId, children}}, with {@code pinId} at the top and {@code
 *       connectionId} and {@code linkingPhrase} (null: none) below;</li>
 *   <li>a coto met again on its own branch (a cycle) is a node with {@code again: true} and no
 *       children: it is not followed; one reached by two branches stands under both;</li>
 *   <li>no deeper than the stock's {@code depth} connections, and only cotos the stock holds (the
 *       caller may read them).</li>
 * </ul>
 * Cotos are named by id, once each in the stock's {@code cotos}.
 */
final class StockTree {
  private final Set<String> cotos = new HashSet<>();
  private final Map<String, List<JsonObject>> out = new HashMap<>();

  private StockTree(JsonObject stock) {
    stock.getJsonArray("cotos").forEach(c -> cotos.add(((JsonObject) c).getString("id")));
    stock.getJsonArray("connections").forEach(c -> out
        .computeIfAbsent(((JsonObject) c).getString("sourceId"), k -> new ArrayList<>()).add((JsonObject) c));
    out.values().forEach(list -> list.sort(Comparator.comparingLong(c -> c.getLong("position"))));
  }

  /** The pins of {@code stock} as trees, in their order. */
  static JsonArray of(JsonObject stock) {
    StockTree tree = new StockTree(stock);
    int depth = stock.getInteger("depth");
    JsonArray roots = new JsonArray();
    for (Object p : stock.getJsonArray("pins")) {
      JsonObject pin = (JsonObject) p;
      JsonObject node = tree.node(pin.getString("cotoId"), new HashSet<>(), depth);
      if (node != null) {
        roots.add(new JsonObject().put("pinId", pin.getString("id")).mergeIn(node));
      }
    }
    return roots;
  }

  private JsonObject node(String id, Set<String> branch, int depthLeft) {
    if (!cotos.contains(id)) {
      return null;
    }
    JsonObject node = new JsonObject().put("cotoId", id);
    JsonArray children = new JsonArray();
    if (!branch.add(id)) {
      return node.put("again", true).put("children", children);
    }
    if (depthLeft > 0) {
      for (JsonObject c : out.getOrDefault(id, List.of())) {
        JsonObject child = node(c.getString("targetId"), branch, depthLeft - 1);
        if (child != null) {
          children.add(new JsonObject().put("connectionId", c.getString("id"))
              .put("linkingPhrase", c.getString("linkingPhrase")).mergeIn(child));
        }
      }
    }
    branch.remove(id);
    return node.put("children", children);
  }
}
