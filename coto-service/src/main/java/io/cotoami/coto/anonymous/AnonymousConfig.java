package io.cotoami.coto.anonymous;

import io.cotoami.common.config.ConfigException;
import io.cotoami.common.config.Env;
import io.cotoami.common.config.RedisConfig;
import io.cotoami.common.http.ClientAddress;
import java.time.Duration;

/**
 * Where anonymous cotos live and how much of it one visitor or one address may use.
 *
 * @param redis      the anonymous Redis ({@code ANON_REDIS_URL}), bounded on its own so that filling it can
 *                   never take sign-in down; when unset, the main Redis ({@code shared} is then true)
 * @param retention  how long a visitor's cotos are kept after their last post or read
 * @param quota      what one visitor may keep
 * @param storeLimit how full the anonymous Redis may get before anonymous writes are refused (503)
 * @param writeLimit posts and edits per client address per {@code writeWindow}
 * @param clients    who a request comes from: {@code X-Forwarded-For} is believed only from
 *                   {@code TRUSTED_PROXIES} (the gateways), the one rule the gateway and auth-service use
 */
public record AnonymousConfig(RedisConfig redis, boolean shared, Duration retention, Quota quota,
                              AnonymousStoreLimit storeLimit, int writeLimit, Duration writeWindow,
                              ClientAddress clients) {

  /** At most {@code cotos} cotos and {@code bytes} bytes of stored coto bodies per visitor. */
  public record Quota(int cotos, long bytes) {
  }

  public static AnonymousConfig fromEnv(Env env) {
    boolean shared = env.string("ANON_REDIS_URL", null) == null;
    RedisConfig redis = shared ? RedisConfig.fromEnv(env)
        : RedisConfig.fromEnv(env, "ANON_REDIS_URL", "ANON_REDIS_POOL_MAX_SIZE", null);
    int cotos = env.integer("ANONYMOUS_QUOTA_COTOS", 500);
    if (cotos < 1) {
      throw new ConfigException("Invalid ANONYMOUS_QUOTA_COTOS='" + cotos + "': expected at least 1");
    }
    int writeLimit = env.integer("ANONYMOUS_WRITE_LIMIT", 120);
    if (writeLimit < 1) {
      throw new ConfigException("Invalid ANONYMOUS_WRITE_LIMIT='" + writeLimit + "': expected at least 1");
    }
    Duration window = env.duration("ANONYMOUS_WRITE_WINDOW", Duration.ofMinutes(1));
    if (window.toMillis() < 1000) {
      throw new ConfigException("Invalid ANONYMOUS_WRITE_WINDOW='" + env.string("ANONYMOUS_WRITE_WINDOW", "")
          + "': expected at least 1s");
    }
    return new AnonymousConfig(redis, shared, env.duration("ANONYMOUS_COTO_RETENTION", Duration.ofDays(30)),
        new Quota(cotos, env.bytes("ANONYMOUS_QUOTA_BYTES", 1024 * 1024)), AnonymousStoreLimit.fromEnv(env),
        writeLimit, window,
        ClientAddress.fromEnv(env));
  }
}
