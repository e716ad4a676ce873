package io.cotoami.common.config;

import java.net.URI;

/** Redis connection, as one URL ({@code redis://[:password@]host:port[/db]}). */
public record RedisConfig(String url, int poolSize) {

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
    return new RedisConfig(url, env.integer(poolVariable, 8));
  }

  /** Where, for error messages; never the password. */
  public String describe() {
    URI uri = URI.create(url);
    return uri.getScheme() + "://" + uri.getHost() + ":" + (uri.getPort() < 0 ? 6379 : uri.getPort());
  }
}
