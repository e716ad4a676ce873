package io.cotoami.common.config;

import java.net.URI;
import java.time.Duration;

/**
 * Redis connection, as one URL ({@code redis://[:password@]host:port[/db]}).
 *
 * @param commandTimeout how long a command may take, waiting for a pooled connection included;
 *                       a guarded script that Redis starts later than that does nothing
 */
public record RedisConfig(String url, int poolSize, Duration commandTimeout) {
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMillis(1500);

  /** With the default command timeout. */
  public RedisConfig(String url, int poolSize) {
    this(url, poolSize, DEFAULT_COMMAND_TIMEOUT);
  }

  public static RedisConfig fromEnv(Env env) {
    return fromEnv(env, "REDIS_URL", "REDIS_POOL_MAX_SIZE", "redis://localhost:6379");
  }

  /** A Redis named by other variables (coto-service's anonymous store: {@code ANON_REDIS_URL}). */
  public static RedisConfig fromEnv(Env env, String urlVariable, String poolVariable, String defaultUrl) {
    String url = env.string(urlVariable, defaultUrl);
    try {
      URI uri = URI.create(url);
      if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme()) || uri.getHost() == null) {
        throw new IllegalArgumentException(url);
      }
    } catch (IllegalArgumentException e) {
      throw new ConfigException("Invalid " + urlVariable + "='" + url + "': expected redis://host:port");
    }
    return new RedisConfig(url, env.integer(poolVariable, 8),
        env.duration("REDIS_COMMAND_TIMEOUT", DEFAULT_COMMAND_TIMEOUT, Duration.ofMillis(100), Duration.ofSeconds(10)));
  }

  /** Where, for error messages; never the password. */
  public String describe() {
    URI uri = URI.create(url);
    return uri.getScheme() + "://" + uri.getHost() + ":" + (uri.getPort() < 0 ? 6379 : uri.getPort());
  }
}
