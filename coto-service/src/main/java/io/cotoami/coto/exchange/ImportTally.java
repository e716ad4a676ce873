package io.cotoami.coto.exchange;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What an import reports when done: how many of each kind it created, how many records it skipped
 * as imported before, and the cotonomas it had to rename.
 */
final class ImportTally {
  private static final List<String> KINDS = List.of("cotonomas", "cotos", "reposts", "pins", "connections");
  private final Map<String, Integer> created = new HashMap<>();
  private final List<String> renamed = new ArrayList<>();
  private int skipped;

  /** {@code kind} is one of {@link #KINDS}: "cotos", "pins" ... */
  void created(String kind, int n) {
    created.merge(kind, n, Integer::sum);
  }

  void skipped(int n) {
    skipped += n;
  }

  void renamed(String name, String as) {
    renamed.add(name + " → " + as);
  }

  /** {@code {"created": {"cotonomas": n, ...}, "skipped": n, "renamed": ["name → name (2)", ...]}}. */
  JsonObject toJson() {
    JsonObject made = new JsonObject();
    for (String kind : KINDS) {
      made.put(kind, created.getOrDefault(kind, 0));
    }
    return new JsonObject().put("created", made).put("skipped", skipped).put("renamed", new JsonArray(renamed));
  }
}
