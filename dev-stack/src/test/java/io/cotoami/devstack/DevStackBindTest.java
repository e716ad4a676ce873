package io.cotoami.devstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cotoami.common.config.Env;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Where {@code ./cotoami up} binds, and the warning it prints when {@code COTOAMI_BIND} opens the gateway to the LAN. */
class DevStackBindTest {

  @Test
  @DisplayName("By default every port of every service is bound to 127.0.0.1 and no warning is printed")
  void loopbackByDefault() {
    DevStackConfig config = DevStackConfig.from(new Env(Map.of()), List.of());
    assertEquals("127.0.0.1", config.bind());
    assertTrue(config.lanWarning().isEmpty(), config.lanWarning().toString());
    for (String service : DevStackConfig.SERVICES) {
      Map<String, String> env = DevStackMain.serviceEnv(config, service, Map.of(), 8080, 9090);
      for (String host : List.of("HTTP_HOST", "MANAGEMENT_HOST", "CLUSTER_HOST")) {
        assertEquals("127.0.0.1", env.get(host), service + " " + host);
      }
    }
  }

  @Test
  @DisplayName("COTOAMI_BIND=0.0.0.0 opens only the gateway's public port, and the launcher warns that /dev/mail shows every sign-in link")
  void lanOnlyWhenAskedAndWarned() {
    for (String bind : List.of("0.0.0.0", "192.168.1.20", "::")) {
      DevStackConfig config = DevStackConfig.from(new Env(Map.of("COTOAMI_BIND", bind)), List.of());
      String warning = config.lanWarning().orElseThrow(() -> new AssertionError("no warning for " + bind));
      assertTrue(warning.startsWith("WARNING: COTOAMI_BIND=" + bind) && warning.contains("/dev/mail")
          && warning.contains("sign-in link"), warning);
      for (String service : DevStackConfig.SERVICES) {
        Map<String, String> env = DevStackMain.serviceEnv(config, service, Map.of(), 8080, 9090);
        assertEquals(service.equals("gateway") ? bind : "127.0.0.1", env.get("HTTP_HOST"), service);
        assertEquals("127.0.0.1", env.get("MANAGEMENT_HOST"), service + " management");
        assertEquals("127.0.0.1", env.get("CLUSTER_HOST"), service + " cluster");
      }
    }
  }
}
