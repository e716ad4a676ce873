package io.cotoami.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cotoami.common.session.SameOrigin;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The edge's configuration: management port, connection limits, and Origin parsing. */
class EdgeConfigTest {

  @Test
  @DisplayName("By default management is on 9090 of the HTTP host, debug routes are off, and the connection cap stays below the file-descriptor limit")
  void defaults() {
    InstanceConfig config = InstanceConfig.fromEnv("gateway", 8080, new Env(Map.of("HTTP_HOST", "10.0.0.5", "CLUSTER_NAME", "edge-test")));
    assertEquals(9090, config.managementPort());
    assertEquals("10.0.0.5", config.managementHost());
    assertFalse(config.debugRoutes());
    ConnectionLimits limits = config.connections();
    assertEquals(Duration.ofSeconds(60), limits.idleTimeout());
    assertEquals(Duration.ofSeconds(10), limits.headerTimeout());
    assertEquals(Duration.ofSeconds(30), limits.bodyTimeout());
    assertEquals(256, limits.maxPerClient());
    assertTrue(limits.maxConnections() < ConnectionLimits.descriptorLimit() - ConnectionLimits.RESERVED_DESCRIPTORS,
        limits.maxConnections() + " of " + ConnectionLimits.descriptorLimit());
  }

  @Test
  @DisplayName("DEV_MODE turns the public debug routes on as DEBUG_ROUTES does")
  void devModeMeansDebugRoutes() {
    assertTrue(InstanceConfig.fromEnv("gateway", 8080, new Env(Map.of("DEV_MODE", "true"))).debugRoutes());
    assertTrue(InstanceConfig.fromEnv("gateway", 8080, new Env(Map.of("DEBUG_ROUTES", "true", "CLUSTER_NAME", "edge-test"))).debugRoutes());
  }

  @Test
  @DisplayName("A bad connection limit fails with one line naming the variable")
  void badLimits() {
    assertEquals("Invalid HTTP_HEADER_TIMEOUT='10ms': expected at least 100ms", assertThrows(ConfigException.class,
        () -> ConnectionLimits.fromEnv(new Env(Map.of("HTTP_HEADER_TIMEOUT", "10ms")))).getMessage());
    assertTrue(assertThrows(ConfigException.class, () -> ConnectionLimits.fromEnv(new Env(Map.of(
        "HTTP_MAX_CONNECTIONS", String.valueOf(ConnectionLimits.descriptorLimit() + 1))))).getMessage()
        .startsWith("Invalid HTTP_MAX_CONNECTIONS="));
    assertTrue(assertThrows(ConfigException.class, () -> ConnectionLimits.fromEnv(new Env(Map.of(
        "HTTP_MAX_CONNECTIONS_PER_CLIENT", "-1")))).getMessage().startsWith("Invalid HTTP_MAX_CONNECTIONS_PER_CLIENT="));
    assertThrows(ConfigException.class, () -> InstanceConfig.fromEnv("gateway", 8080,
        new Env(Map.of("MANAGEMENT_PORT", "70000"))));
  }

  @Test
  @DisplayName("An Origin that is not scheme://host[:port], such as one whose port is not a number, is simply not ours")
  void origins() {
    SameOrigin origins = SameOrigin.of(URI.create("http://localhost:8080"), null);
    assertTrue(origins.allowsOrigin("http://localhost:8080"));
    assertTrue(origins.allowsOrigin("HTTP://LOCALHOST:8080"));
    for (String bad : new String[] {"http://localhost:8080.evil.example", "http://localhost:80a80", "http://",
        "null", "", "not a url", "http://localhost:8080@evil.example", "https://localhost:8080", "http://[::1"}) {
      assertFalse(origins.allowsOrigin(bad), bad);
    }
    assertFalse(origins.allowsOrigin(null));
  }
}
