package io.cotoami.coto.anonymous;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cotoami.common.config.ConfigException;
import io.cotoami.common.config.Env;
import io.cotoami.common.session.AnonymousId;
import io.cotoami.infra.RedisServer;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The anonymous store refuses writes below Redis's maxmemory, so Redis itself never refuses one. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AnonymousStoreLimitTest {
  private static final long MAXMEMORY = 2L * 1024 * 1024;

  @Test
  @DisplayName("Posts of fresh visitors fill the store to its limit (90% of maxmemory) and no further: the next is refused as full, Redis never reaches its maxmemory nor answers OOM, and a deletion still works")
  void refusedBelowMaxmemory() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (RedisServer server = RedisServer.startTemporary(MAXMEMORY)) {
      RedisAPI redis = RedisAPI.api(Redis.createClient(vertx, server.config().url()));
      // Connected first: a guarded script's deadline would count the connection's set-up.
      redis.ping(List.of()).await(10, TimeUnit.SECONDS);
      AnonymousCotoRepository cotos = new AnonymousCotoRepository(redis, Duration.ofDays(1),
          new AnonymousConfig.Quota(500, 1024 * 1024), AnonymousStoreLimit.fromEnv(new Env(Map.of())));
      String content = "x".repeat(2500);
      AnonymousCotoRepository.Posted last = null;
      AnonymousId lastVisitor = null;
      String lastId = null;
      int stored = 0;
      for (int i = 0; i < 2000 && !(last instanceof AnonymousCotoRepository.Posted.StoreFull); i++) {
        AnonymousId visitor = AnonymousId.generate();
        last = cotos.post(visitor, content, null, "c" + i).await(10, TimeUnit.SECONDS);
        if (last instanceof AnonymousCotoRepository.Posted.Stored s) {
          stored++;
          lastVisitor = visitor;
          lastId = s.coto().id();
        }
      }
      assertInstanceOf(AnonymousCotoRepository.Posted.StoreFull.class, last, "refused once full, after " + stored);
      long peak = memory(redis, "used_memory_peak");
      long used = memory(redis, "used_memory");
      assertTrue(used <= MAXMEMORY * 9 / 10, "used " + used + " of a limit of " + MAXMEMORY * 9 / 10);
      assertTrue(peak < MAXMEMORY, "peaked at " + peak + " of " + MAXMEMORY);
      // Refused because the next write might not fit, not earlier: within a few writes of the limit.
      assertTrue(used > MAXMEMORY * 9 / 10 - 4 * AnonymousStoreLimit.cost(2700), "refused early, at " + used);
      System.out.println("store limit: " + stored + " cotos stored, used " + used + ", peak " + peak + " of " + MAXMEMORY);
      assertFalse(redis.info(List.of("errorstats")).await(10, TimeUnit.SECONDS).toString().contains("errorstat_OOM"));
      assertTrue(cotos.delete(lastVisitor, lastId).await(10, TimeUnit.SECONDS) != null, "a deletion works when full");
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  @DisplayName("ANONYMOUS_STORE_LIMIT is 90% of maxmemory by default, a share from 1% to 99% or a size; anything else is one error naming it")
  void parses() {
    assertEquals(new AnonymousStoreLimit(0, 90), AnonymousStoreLimit.fromEnv(new Env(Map.of())));
    assertEquals(new AnonymousStoreLimit(0, 75), AnonymousStoreLimit.fromEnv(new Env(Map.of("ANONYMOUS_STORE_LIMIT", "75%"))));
    assertEquals(new AnonymousStoreLimit(48L * 1024 * 1024, 0),
        AnonymousStoreLimit.fromEnv(new Env(Map.of("ANONYMOUS_STORE_LIMIT", "48m"))));
    for (String bad : List.of("100%", "0%", "x%", "0", "lots")) {
      ConfigException e = assertThrows(ConfigException.class,
          () -> AnonymousStoreLimit.fromEnv(new Env(Map.of("ANONYMOUS_STORE_LIMIT", bad))));
      assertTrue(e.getMessage().contains("ANONYMOUS_STORE_LIMIT"), e.getMessage());
    }
  }

  private static long memory(RedisAPI redis, String field) throws Exception {
    Matcher m = Pattern.compile(field + ":(\\d+)").matcher(redis.info(List.of("memory")).await(10, TimeUnit.SECONDS)
        .toString());
    assertTrue(m.find(), field);
    return Long.parseLong(m.group(1));
  }
}
