package io.cotoami.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cotoami.common.config.ConfigException;
import io.cotoami.common.config.Env;
import io.cotoami.infra.TestConfigs;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class GatewayConfigTest {

  @Test
  @DisplayName("The gateway refuses to start without PUBLIC_URL outside dev mode, naming the variable; dev mode defaults to localhost:8080")
  void publicUrlRequired() {
    Map<String, String> env = new HashMap<>(TestConfigs.env(TestConfigs.newClusterName(), Map.of()));
    env.remove("PUBLIC_URL");
    ConfigException e = assertThrows(ConfigException.class, () -> GatewayConfig.fromEnv(new Env(env)));
    assertTrue(e.getMessage().startsWith("PUBLIC_URL is required"), e.getMessage());
    env.put("DEV_MODE", "true");
    assertEquals("http://localhost:8080", GatewayConfig.fromEnv(new Env(env)).publicUrl().toString());
    env.put("DEV_MODE", "false");
    env.put("PUBLIC_URL", "https://cotoami.example");
    assertEquals("https://cotoami.example", GatewayConfig.fromEnv(new Env(env)).publicUrl().toString());
  }
}
