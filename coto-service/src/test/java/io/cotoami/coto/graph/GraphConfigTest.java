package io.cotoami.coto.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cotoami.common.config.ConfigException;
import io.cotoami.common.config.Env;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class GraphConfigTest {

  @Test
  @DisplayName("The graph's bounds default to 100 connections per coto, 200 pins per stock, depth 8 and 1000 nodes, and each can be set")
  void defaultsAndSet() {
    assertEquals(new GraphConfig(100, 200, 8, 1000), GraphConfig.fromEnv(new Env(Map.of())));
    assertEquals(new GraphConfig(5, 6, 3, 50), GraphConfig.fromEnv(new Env(Map.of("GRAPH_CONNECTIONS_PER_COTO", "5",
        "GRAPH_PINS_PER_STOCK", "6", "GRAPH_MAX_DEPTH", "3", "GRAPH_MAX_NODES", "50"))));
  }

  @Test
  @DisplayName("A bound out of its range or not a number stops the start with the variable's name")
  void badValuesAreRefused() {
    for (Map<String, String> bad : java.util.List.of(Map.of("GRAPH_MAX_DEPTH", "0"), Map.of("GRAPH_MAX_DEPTH", "65"),
        Map.of("GRAPH_CONNECTIONS_PER_COTO", "many"), Map.of("GRAPH_MAX_NODES", "-1"))) {
      ConfigException e = assertThrows(ConfigException.class, () -> GraphConfig.fromEnv(new Env(bad)));
      assertTrue(e.getMessage().contains(bad.keySet().iterator().next()), e.getMessage());
    }
  }
}
