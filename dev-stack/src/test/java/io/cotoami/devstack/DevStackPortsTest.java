package io.cotoami.devstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cotoami.common.config.ConfigException;
import io.cotoami.common.config.Env;
import io.cotoami.infra.FreePorts;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Every server of the dev stack gets a port of its own, whether the ports are configured or picked. */
class DevStackPortsTest {

  @Test
  @DisplayName("Two COTOAMI_*_PORT variables with the same value are refused before anything starts, naming both")
  void duplicateConfiguredPortsAreRefused() {
    ConfigException e = assertThrows(ConfigException.class, () -> DevStackConfig.from(
        new Env(Map.of("COTOAMI_PG_PORT", "34397", "COTOAMI_SMTP_PORT", "34397")), List.of()));
    assertTrue(e.getMessage().contains("COTOAMI_SMTP_PORT") && e.getMessage().contains("COTOAMI_PG_PORT")
        && e.getMessage().contains("34397"), e.getMessage());
    assertThrows(ConfigException.class, () -> DevStackConfig.from(new Env(Map.of("COTOAMI_MAIL_PORT", "8080")), List.of()));
    assertEquals(7, DevStackConfig.from(new Env(Map.of()), List.of()).ports().values().stream().distinct().count(),
        "the defaults are distinct");
  }

  @Test
  @DisplayName("FreePorts never gives the same port twice, nor a reserved one, even when the kernel would")
  void freePortsAreDistinct() {
    int reserved = FreePorts.next();
    Set<Integer> seen = new HashSet<>();
    // The kernel hands out recently closed ephemeral ports again; 3,000 probes see repeats in practice.
    for (int i = 0; i < 3_000; i++) {
      int port = FreePorts.next();
      assertTrue(seen.add(port), "port " + port + " given twice");
      assertTrue(port != reserved, "the reserved port was given out");
    }
  }
}
