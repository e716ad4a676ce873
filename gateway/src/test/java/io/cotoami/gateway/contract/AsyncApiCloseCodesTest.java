package io.cotoami.gateway.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The WebSocket close codes of the AsyncAPI document ({@code x-close-codes} of the channel
 * {@code live}) are exactly those the gateway's code sends, each with its exact reasons.
 */
class AsyncApiCloseCodesTest {
  /** A close with a literal code and reason, the one form the gateway's sources use. */
  private static final Pattern CLOSE = Pattern.compile("close\\(\\s*\\(short\\)\\s*(\\d{4})\\s*,\\s*\"([^\"]*)\"\\s*\\)");
  /** Any close code at all, to catch one sent in another form. */
  private static final Pattern ANY_CODE = Pattern.compile("\\(short\\)\\s*(1\\d{3}|4\\d{3})");

  @Test
  @DisplayName("Every close code and reason the gateway sends is in the AsyncAPI document, and the document lists no other")
  void closeCodesAreDocumented() throws IOException {
    Map<Integer, Set<String>> sent = new TreeMap<>();
    int closes = 0;
    int codes = 0;
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        String source = Files.readString(file);
        Matcher close = CLOSE.matcher(source);
        while (close.find()) {
          closes++;
          sent.computeIfAbsent(Integer.valueOf(close.group(1)), k -> new TreeSet<>()).add(close.group(2));
        }
        codes += (int) ANY_CODE.matcher(source).results().count();
      }
    }
    assertFalse(sent.isEmpty(), "the sources are read");
    assertEquals(codes, closes, "every close code is sent as close((short) code, \"reason\")");
    assertEquals(sent, documented());
  }

  @SuppressWarnings("unchecked")
  private static Map<Integer, Set<String>> documented() throws IOException {
    try (InputStream in = AsyncApiCloseCodesTest.class.getResourceAsStream("/webroot/asyncapi.yaml")) {
      assertNotNull(in);
      Map<String, Object> doc = new Yaml(new SafeConstructor(new LoaderOptions()))
          .load(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      Map<String, Object> live = (Map<String, Object>) ((Map<String, Object>) doc.get("channels")).get("live");
      List<Map<String, Object>> closeCodes = (List<Map<String, Object>>) live.get("x-close-codes");
      assertNotNull(closeCodes, "channels.live.x-close-codes");
      Map<Integer, Set<String>> documented = new TreeMap<>();
      for (Map<String, Object> entry : closeCodes) {
        Map<String, Object> reasons = (Map<String, Object>) entry.get("reasons");
        documented.put((Integer) entry.get("code"), new TreeSet<>(reasons.keySet()));
      }
      return documented;
    }
  }
}
