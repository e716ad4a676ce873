package io.cotoami.coto;

import io.cotoami.common.config.Env;
import io.cotoami.common.config.InstanceConfig;
import io.cotoami.common.config.PgConfig;
import io.cotoami.common.config.RedisConfig;
import io.cotoami.common.session.SessionKeys;
import java.net.URI;
import java.time.Duration;

/**
 * coto-service's configuration, parsed once from the environment.
 *
 * @param sessions           the key session tokens are verified with (required: authorization is enforced here)
 * @param anonymousRetention how long anonymous cotos are kept after their owner's last visit
 * @param replayLimit        how many events of a timeline are kept and replayed to a returning client
 * @param trimInterval       how often events beyond {@code replayLimit} are deleted
 * @param publicUrl          where people reach Cotoami: the base of the links in invitation mails
 */
public record CotoServiceConfig(InstanceConfig instance, PgConfig pg, RedisConfig redis, SessionKeys sessions,
    Duration anonymousRetention, int replayLimit, Duration trimInterval, URI publicUrl) {
  public static final String SERVICE = "coto-service";
  public static final int DEFAULT_PORT = 8081;

  public static CotoServiceConfig fromEnv(Env env) {
    return new CotoServiceConfig(
        InstanceConfig.fromEnv(SERVICE, DEFAULT_PORT, env),
        PgConfig.fromEnv(env),
        RedisConfig.fromEnv(env),
        SessionKeys.fromEnv(env),
        env.duration("ANONYMOUS_COTO_RETENTION", Duration.ofDays(30)),
        replayLimit(env),
        trimInterval(env),
        publicUrl(env));
  }

  private static URI publicUrl(Env env) {
    String raw = env.string("PUBLIC_URL", "http://localhost:8080");
    try {
      URI uri = URI.create(raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw);
      if (uri.getHost() == null || uri.getScheme() == null || !uri.getScheme().matches("https?")) {
        throw new IllegalArgumentException(raw);
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw new io.cotoami.common.config.ConfigException(
          "Invalid PUBLIC_URL='" + raw + "': expected an http(s) URL such as https://cotoami.example");
    }
  }

  private static Duration trimInterval(Env env) {
    Duration interval = env.duration("TIMELINE_TRIM_INTERVAL", Duration.ofMinutes(1));
    if (interval.toMillis() < 100) {
      throw new io.cotoami.common.config.ConfigException(
          "Invalid TIMELINE_TRIM_INTERVAL='" + env.string("TIMELINE_TRIM_INTERVAL", "") + "': expected at least 100ms");
    }
    return interval;
  }

  /** How many missed events a reconnecting client is sent before it is told to resync instead. */
  private static int replayLimit(Env env) {
    int limit = env.integer("TIMELINE_REPLAY_LIMIT", 1000);
    if (limit < 1 || limit > 100_000) {
      throw new io.cotoami.common.config.ConfigException(
          "Invalid TIMELINE_REPLAY_LIMIT='" + limit + "': expected 1 to 100000");
    }
    return limit;
  }
}
