package io.cotoami.coto.anonymous;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cotoami.common.config.ConfigException;
import io.cotoami.common.config.Env;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class AnonymousConfigTest {

  @Test
  @DisplayName("Without ANON_REDIS_URL anonymous cotos fall back to REDIS_URL, marked shared; with it they use their own")
  void ownRedisOrFallback() {
    AnonymousConfig shared = AnonymousConfig.fromEnv(new Env(Map.of("REDIS_URL", "redis://main:6379")));
    assertTrue(shared.shared());
    assertEquals("redis://main:6379", shared.redis().url());
    AnonymousConfig own = AnonymousConfig.fromEnv(new Env(Map.of("REDIS_URL", "redis://main:6379",
        "ANON_REDIS_URL", "redis://anon:6380", "ANON_REDIS_POOL_MAX_SIZE", "4")));
    assertFalse(own.shared());
    assertEquals("redis://anon:6380", own.redis().url());
    assertEquals(4, own.redis().poolSize());
  }

  @Test
  @DisplayName("Quotas and the write limit have defaults and parse the documented forms")
  void defaultsAndForms() {
    AnonymousConfig defaults = AnonymousConfig.fromEnv(new Env(Map.of()));
    assertEquals(new AnonymousConfig.Quota(500, 1024 * 1024), defaults.quota());
    assertEquals(120, defaults.writeLimit());
    assertEquals(Duration.ofMinutes(1), defaults.writeWindow());
    assertEquals(Duration.ofDays(30), defaults.retention());
    AnonymousConfig set = AnonymousConfig.fromEnv(new Env(Map.of("ANONYMOUS_QUOTA_COTOS", "20",
        "ANONYMOUS_QUOTA_BYTES", "32k", "ANONYMOUS_WRITE_LIMIT", "5", "ANONYMOUS_WRITE_WINDOW", "10s")));
    assertEquals(new AnonymousConfig.Quota(20, 32 * 1024), set.quota());
    assertEquals(5, set.writeLimit());
    assertEquals(Duration.ofSeconds(10), set.writeWindow());
  }

  @Test
  @DisplayName("A bad value is one error naming its variable")
  void badValues() {
    for (Map<String, String> bad : new Map[] {Map.of("ANON_REDIS_URL", "http://anon"),
        Map.of("ANONYMOUS_QUOTA_COTOS", "0"), Map.of("ANONYMOUS_QUOTA_BYTES", "-1"),
        Map.of("ANONYMOUS_WRITE_LIMIT", "none"), Map.of("ANONYMOUS_WRITE_WINDOW", "10ms")}) {
      ConfigException e = assertThrows(ConfigException.class, () -> AnonymousConfig.fromEnv(new Env(bad)));
      assertTrue(e.getMessage().contains(bad.keySet().iterator().next()), e.getMessage());
    }
  }
}
