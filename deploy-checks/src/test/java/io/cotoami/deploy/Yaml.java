package io.cotoami.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** YAML as plain maps and lists (anchors and merge keys resolved), with small typed accessors. */
final class Yaml {
  private Yaml() {
  }

  /** Every non-empty document of a multi-document YAML text. */
  static List<Map<String, Object>> documents(String text) {
    List<Map<String, Object>> docs = new ArrayList<>();
    for (Object doc : loader().loadAll(text)) {
      if (doc != null) {
        docs.add(map(doc, "document"));
      }
    }
    return docs;
  }

  static Map<String, Object> document(String text) {
    return map(loader().load(text), "document");
  }

  private static org.yaml.snakeyaml.Yaml loader() {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    return new org.yaml.snakeyaml.Yaml(new SafeConstructor(options));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object value, String what) {
    if (!(value instanceof Map)) {
      throw new AssertionError(what + " is not a mapping: " + value);
    }
    return (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object value, String what) {
    if (!(value instanceof List)) {
      throw new AssertionError(what + " is not a list: " + value);
    }
    return (List<Object>) value;
  }

  /** The value at a path of keys, or null when any step is missing. */
  static Object at(Map<String, Object> root, String... keys) {
    Object current = root;
    for (String key : keys) {
      if (!(current instanceof Map)) {
        return null;
      }
      current = ((Map<?, ?>) current).get(key);
    }
    return current;
  }
}
