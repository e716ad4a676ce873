package io.cotoami.coto.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The walk of a stock into its tree ({@link StockTree}), and the Markdown written from it ({@link StockMarkdown}). */
class StockTreeTest {
  @Test
  @DisplayName("The tree holds the pins in order, each coto's connections under it in position order with their ids and phrases, a cycle once more as again and not followed, nothing past the depth, and no coto the stock does not hold")
  void tree() {
    JsonObject stock = stock(2,
        new JsonArray().add(pin("a").put("id", "p1")).add(pin("hidden").put("id", "p2")).add(pin("d").put("id", "p3")),
        new JsonArray().add(coto("a", "A", null)).add(coto("b", "B", null)).add(coto("c", "C", null))
            .add(coto("d", "D", null)).add(coto("e", "E", null)).add(coto("f", "F", null)),
        new JsonArray()
            .add(connection("a", "c", "例えば", 1).put("id", "k2")).add(connection("a", "b", "because", 0).put("id", "k1"))
            .add(connection("b", "a", null, 0).put("id", "k3")).add(connection("c", "e", null, 0).put("id", "k4"))
            .add(connection("e", "f", null, 0).put("id", "k5")).add(connection("d", "hidden", null, 0).put("id", "k6"))
            .add(connection("d", "b", null, 1).put("id", "k7")));
    JsonArray tree = StockTree.of(stock);

    assertEquals(new JsonArray()
        .add(node("a").put("pinId", "p1").put("children", new JsonArray()
            .add(child("k1", "because", "b", new JsonArray()
                .add(child("k3", null, "a", new JsonArray()).put("again", true))))
            .add(child("k2", "例えば", "c", new JsonArray()
                .add(child("k4", null, "e", new JsonArray()))))))
        .add(node("d").put("pinId", "p3").put("children", new JsonArray()
            .add(child("k7", null, "b", new JsonArray()
                .add(child("k3", null, "a", new JsonArray()))))))
        , tree, tree.encodePrettily());
  }

  @Test
  @DisplayName("At depth 0 the tree is the pins alone")
  void depthZero() {
    JsonObject stock = stock(0, new JsonArray().add(pin("a")), new JsonArray().add(coto("a", "A", null)).add(coto("b", "B", null)),
        new JsonArray().add(connection("a", "b", null, 0)));
    assertEquals(new JsonArray().add(new JsonObject().put("pinId", null).put("cotoId", "a").put("children", new JsonArray())),
        StockTree.of(stock));
  }

  private static JsonObject node(String cotoId) {
    return new JsonObject().put("cotoId", cotoId);
  }

  private static JsonObject child(String connectionId, String phrase, String cotoId, JsonArray children) {
    return new JsonObject().put("connectionId", connectionId).put("linkingPhrase", phrase).put("cotoId", cotoId)
        .put("children", children);
  }

  @Test
  @DisplayName("Pins become a list in their order, connections nest under their source in position order with the phrase in italics, a cycle is marked once and not followed, and the depth is kept")
  void outline() {
    JsonObject stock = stock(2,
        new JsonArray().add(pin("a")).add(pin("d")),
        new JsonArray().add(coto("a", "Kyoto", null)).add(coto("b", "temples\nand *gardens*", "Sights"))
            .add(coto("c", "ramen", null)).add(coto("d", "home", null)).add(coto("e", "two away", null))
            .add(coto("f", "three away: past the depth", null))
            .add(new JsonObject().put("id", "r").put("content", "Trip").put("cotonoma", new JsonObject().put("name", "Trip"))),
        new JsonArray()
            .add(connection("a", "c", "例えば", 1)).add(connection("a", "b", "because *so*", 0))
            .add(connection("b", "a", null, 0)).add(connection("c", "e", null, 0)).add(connection("e", "f", null, 0)).add(connection("d", "r", "", 0)));
    assertEquals("""
        - Kyoto
          - *because \\*so\\**: **Sights**
            temples
            and *gardens*
            - Kyoto ↩
          - *例えば*: ramen
            - two away
        - home
          - ◎ Trip
        """, StockMarkdown.render(stock));
  }

  @Test
  @DisplayName("An empty stock says so, and a cut-short one says the export holds only the nearest cotos")
  void emptyAndTruncated() {
    assertEquals("*Nothing is pinned here yet.*\n",
        StockMarkdown.render(stock(8, new JsonArray(), new JsonArray(), new JsonArray())));
    JsonObject cut = stock(0, new JsonArray().add(pin("a")), new JsonArray().add(coto("a", "one", null)), new JsonArray())
        .put("truncated", true);
    assertEquals("- one\n\n*More cotos were connected than one export holds: the nearest ones are here.*\n",
        StockMarkdown.render(cut));
  }

  private static JsonObject stock(int depth, JsonArray pins, JsonArray cotos, JsonArray connections) {
    return new JsonObject().put("stock", "home:x").put("depth", depth).put("pins", pins).put("cotos", cotos)
        .put("connections", connections).put("truncated", false);
  }

  private static JsonObject pin(String cotoId) {
    return new JsonObject().put("cotoId", cotoId);
  }

  private static JsonObject coto(String id, String content, String summary) {
    return new JsonObject().put("id", id).put("content", content).put("summary", summary);
  }

  private static JsonObject connection(String source, String target, String phrase, int position) {
    return new JsonObject().put("sourceId", source).put("targetId", target).put("linkingPhrase", phrase)
        .put("position", position);
  }
}
