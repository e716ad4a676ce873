package io.cotoami.coto.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A stock (as {@code GET /api/graph/stock} answers it) as Markdown: its tree ({@link StockTree})
 * as nested lists, the pins in order, each coto's connections under it in their order, linking
 * phrases in italics before the coto they lead to. A coto's text is kept whole (its further lines
 * indented under its item, its summary in bold first). A coto met again on its own branch (a
 * cycle) is written once more with {@code ↩}.
 */
final class StockMarkdown {
  private final Map<String, JsonObject> cotos = new HashMap<>();
  private final StringBuilder md = new StringBuilder();

  private StockMarkdown(JsonObject stock) {
    stock.getJsonArray("cotos").forEach(c -> cotos.put(((JsonObject) c).getString("id"), (JsonObject) c));
  }

  static String render(JsonObject stock) {
    StockMarkdown doc = new StockMarkdown(stock);
    JsonArray tree = StockTree.of(stock);
    tree.forEach(node -> doc.item((JsonObject) node, 0));
    if (tree.isEmpty()) {
      doc.md.append("*Nothing is pinned here yet.*\n");
    }
    if (stock.getBoolean("truncated", false)) {
      doc.md.append("\n*More cotos were connected than one export holds: the nearest ones are here.*\n");
    }
    return doc.md.toString();
  }

  private void item(JsonObject node, int level) {
    JsonObject coto = cotos.get(node.getString("cotoId"));
    String indent = "  ".repeat(level);
    md.append(indent).append("- ");
    String phrase = node.getString("linkingPhrase");
    if (phrase != null && !phrase.isBlank()) {
      md.append('*').append(escape(phrase.strip())).append("*: ");
    }
    List<String> lines = lines(coto);
    md.append(lines.get(0));
    for (String line : lines.subList(1, lines.size())) {
      md.append('\n').append(line.isEmpty() ? "" : indent + "  " + line);
    }
    md.append(node.getBoolean("again", false) ? " ↩\n" : "\n");
    node.getJsonArray("children").forEach(child -> item((JsonObject) child, level + 1));
  }

  private static List<String> lines(JsonObject coto) {
    List<String> lines = new ArrayList<>();
    JsonObject cotonoma = coto.getJsonObject("cotonoma");
    if (cotonoma != null) {
      lines.add("◎ " + cotonoma.getString("name"));
      return lines;
    }
    String summary = coto.getString("summary");
    if (summary != null && !summary.isBlank()) {
      lines.add("**" + escape(summary.strip()) + "**");
    }
    for (String line : coto.getString("content", "").strip().split("\r?\n", -1)) {
      lines.add(line.stripTrailing());
    }
    return lines;
  }

  /** Phrases and summaries are plain text: their Markdown characters are shown, not obeyed. */
  private static String escape(String text) {
    return text.replaceAll("([\\\\`*_\\[\\]<>#])", "\\\\$1");
  }
}
