package io.cotoami.system;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operations of an OpenAPI 3 document in YAML: path → methods. It reads the {@code paths}
 * section by indentation (two spaces per level, as our document is written), enough to compare
 * the document with the routes without a YAML library.
 */
final class OpenApiPaths {
  private static final Pattern PATH = Pattern.compile("^  (/[^:]*):\\s*$");
  private static final Pattern METHOD = Pattern.compile("^    (get|put|post|delete|patch|head|options):\\s*$");

  private OpenApiPaths() {
  }

  static Map<String, List<String>> of(String yaml) {
    Map<String, List<String>> operations = new LinkedHashMap<>();
    boolean inPaths = false;
    String current = null;
    for (String line : yaml.split("\n")) {
      if (!line.startsWith(" ") && !line.isBlank() && !line.startsWith("#")) {
        inPaths = line.startsWith("paths:");
        current = null;
        continue;
      }
      if (!inPaths) {
        continue;
      }
      Matcher path = PATH.matcher(line);
      if (path.matches()) {
        current = path.group(1);
        operations.put(current, new ArrayList<>());
        continue;
      }
      Matcher method = METHOD.matcher(line);
      if (method.matches() && current != null) {
        operations.get(current).add(method.group(1));
      }
    }
    return operations;
  }
}
