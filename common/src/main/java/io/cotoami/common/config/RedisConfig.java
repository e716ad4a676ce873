package io.cotoami.common.config;

import java.net.URI;

/** Redis connection, as one URL ({@code redis://[:password@]host:port[/db]}). */
public record RedisConfig(String url, int poolSize) {

  public static RedisConfig fromEnv(Env env) {
    String url = env.string("REDIS_URL", "redis://localhost:6379");
    try {
      URI uri = URI.create(url);
      if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme()) || uri.getHost() == null) {
        throw new IllegalArgumentException(url);
      }
    } catch (IllegalArgumentException e) {
      throw new ConfigException("Invalid REDIS_URL='" + url + "': expected redis://host:port");
    }
    return new RedisConfig(url, env.integer("REDIS_POOL_MAX_SIZE", 8));
  }

  /** Where, for error messages; never the password. */
  public String describe() {
    URI uri = URI.create(url);
    return uri.getScheme() + "://" + uri.getHost() + ":" + (uri.getPort() < 0 ? 6379 : uri.getPort());
  }
}
