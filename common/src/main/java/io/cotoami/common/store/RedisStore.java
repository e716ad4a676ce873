package io.cotoami.common.store;

import io.cotoami.common.config.RedisConfig;
import io.cotoami.common.failure.Failures;
import io.cotoami.common.runtime.ServiceInstance;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import java.util.List;

/** A service's Redis: a pooled client whose commands have a deadline, checked at start and by readiness. */
public final class RedisStore {
  private RedisStore() {
  }

  public static Future<RedisAPI> start(ServiceInstance instance, RedisConfig config) {
    return start(instance, config, "redis");
  }

  /** A Redis whose readiness check is called {@code checkName} (a service may have two). */
  public static Future<RedisAPI> start(ServiceInstance instance, RedisConfig config, String checkName) {
    Redis client = Redis.createClient(instance.vertx(), new RedisOptions()
        .setConnectionString(config.url())
        .setMaxPoolSize(config.poolSize())
        .setMaxPoolWaiting(512)
        .setPoolRecycleTimeout(15_000));
    RedisAPI plain = RedisAPI.api(client);
    RedisAPI api = new DeadlineRedis(plain, config.commandTimeout());
    // The first connection of a starting process may take longer than a command may.
    return plain.ping(List.of())
        .recover(e -> Future.failedFuture(new IllegalStateException(
            "Redis unreachable at " + config.describe() + ": " + Failures.describe(Failures.root(e)), e)))
        .map(pong -> {
          instance.readinessCheck(checkName, () -> api.ping(List.of()));
          return api;
        });
  }
}
