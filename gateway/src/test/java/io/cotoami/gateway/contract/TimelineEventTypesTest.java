package io.cotoami.gateway.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cotoami.common.bus.TimelineEventType;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The kinds of timeline event the code publishes and fans out, against the AsyncAPI document clients read. */
class TimelineEventTypesTest {

  @SuppressWarnings("unchecked")
  static List<String> documented() throws IOException {
    String yaml;
    try (var in = TimelineEventTypesTest.class.getResourceAsStream("/webroot/asyncapi.yaml")) {
      yaml = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    Map<String, Object> node = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
    for (String key : List.of("components", "messages", "event", "payload", "properties", "event", "properties",
        "type")) {
      node = (Map<String, Object>) node.get(key);
    }
    return (List<String>) node.get("enum");
  }

  @Test
  @DisplayName("The event types of the AsyncAPI document's event frame are exactly those of TimelineEventType, in order")
  void documentAndEnumAgree() throws IOException {
    assertEquals(Arrays.stream(TimelineEventType.values()).map(TimelineEventType::type).toList(), documented());
  }

  @Test
  @DisplayName("Each event type is published on coto.events.<type>, and a type string names its kind back")
  void typeAndAddressRoundTrip() {
    for (TimelineEventType kind : TimelineEventType.values()) {
      assertEquals("coto.events." + kind.type(), kind.address());
      assertEquals(Optional.of(kind), TimelineEventType.of(kind.type()));
      assertTrue(kind.is(kind.type()));
    }
    assertEquals(Optional.empty(), TimelineEventType.of("coto-exploded"));
    assertEquals(Optional.empty(), TimelineEventType.of(null));
  }
}
