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
 * A stock (as {@code GET /api/graph/stock} answers it) as Markdown: the pins in order as a list,
 * each coto's connections nested under it in their order, linking phrases in italics before the
 * coto they lead to. A coto's text is kept whole (its further lines indented under its item, its
 * summary in bold first). A coto met again on its own branch (a cycle) is written once more with
 * {@code ↩} and not followed; one reached by two branches is written under both.
 */
final class StockMarkdown {
  private final Map<String, JsonObject> cotos = new HashMap<>();
  private final Map<String, List<JsonObject>> out = new HashMap<>();
  private final StringBuilder md = new StringBuilder();

  private StockMarkdown(JsonObject stock) {
    stock.getJsonArray("cotos").forEach(c -> cotos.put(((JsonObject) c).getString("id"), (JsonObject) c));
    stock.getJsonArray("connections").forEach(c -> out
        .computeIfAbsent(((JsonObject) c).getString("sourceId"), k -> new ArrayList<>()).add((JsonObject) c));
    out.values().forEach(list -> list.sort(Comparator.comparingLong(c -> c.getLong("position"))));
  }

  static String render(JsonObject stock) {
    StockMarkdown doc = new StockMarkdown(stock);
    JsonArray pins = stock.getJsonArray("pins");
    int depth = stock.getInteger("depth");
    pins.forEach(p -> doc.item(((JsonObject) p).getString("cotoId"), null, 0, new HashSet<>(), depth));
    if (pins.isEmpty()) {
      doc.md.append("*Nothing is pinned here yet.*\n");
    }
    if (stock.getBoolean("truncated", false)) {
      doc.md.append("\n*More cotos were connected than one export holds: the nearest ones are here.*\n");
    }
    return doc.md.toString();
  }

  private void item(String id, String phrase, int level, Set<String> branch, int depthLeft) {
    JsonObject coto = cotos.get(id);
    if (coto == null) {
      return;
    }
    String indent = "  ".repeat(level);
    md.append(indent).append("- ");
    if (phrase != null && !phrase.isBlank()) {
      md.append('*').append(escape(phrase.strip())).append("*: ");
    }
    List<String> lines = lines(coto);
    md.append(lines.get(0));
    for (String line : lines.subList(1, lines.size())) {
      md.append('\n').append(line.isEmpty() ? "" : indent + "  " + line);
    }
    if (!branch.add(id)) {
      md.append(" ↩\n");
      return;
    }
    md.append('\n');
    if (depthLeft > 0) {
      for (JsonObject c : out.getOrDefault(id, List.of())) {
        item(c.getString("targetId"), c.getString("linkingPhrase"), level + 1, branch, depthLeft - 1);
      }
    }
    branch.remove(id);
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
