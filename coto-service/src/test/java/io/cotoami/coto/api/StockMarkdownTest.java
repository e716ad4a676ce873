package io.cotoami.coto.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class StockMarkdownTest {

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
