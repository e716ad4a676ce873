package io.cotoami.coto;

import io.cotoami.common.config.Env;
import io.cotoami.common.config.InstanceConfig;
import io.cotoami.common.config.PgConfig;
import io.cotoami.common.config.RedisConfig;
import io.cotoami.common.session.SessionKeys;
import java.time.Duration;

/**
 * coto-service's configuration, parsed once from the environment.
 *
 * @param sessions           the key session tokens are verified with (required: authorization is enforced here)
 * @param anonymousRetention how long anonymous cotos are kept after their owner's last visit
 */
public record CotoServiceConfig(InstanceConfig instance, PgConfig pg, RedisConfig redis, SessionKeys sessions,
    Duration anonymousRetention) {
  public static final String SERVICE = "coto-service";
  public static final int DEFAULT_PORT = 8081;

  public static CotoServiceConfig fromEnv(Env env) {
    return new CotoServiceConfig(
        InstanceConfig.fromEnv(SERVICE, DEFAULT_PORT, env),
        PgConfig.fromEnv(env),
        RedisConfig.fromEnv(env),
        SessionKeys.fromEnv(env),
        env.duration("ANONYMOUS_COTO_RETENTION", Duration.ofDays(30)));
  }
}
