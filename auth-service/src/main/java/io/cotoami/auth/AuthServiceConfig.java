package io.cotoami.auth;

import io.cotoami.common.config.Env;
import io.cotoami.common.config.InstanceConfig;
import io.cotoami.common.config.PgConfig;
import io.cotoami.common.config.RedisConfig;
import io.cotoami.common.session.RevocationConfig;
import io.cotoami.common.mail.OutboxSeal;
import io.cotoami.common.session.SessionKeys;

/**
 * auth-service's configuration, parsed once from the environment.
 *
 * @param mailOutboxKey {@code MAIL_OUTBOX_KEY}, the key queued mail is sealed with; null: shared through the cluster
 */
public record AuthServiceConfig(InstanceConfig instance, PgConfig pg, RedisConfig redis, SessionKeys keys,
                                AuthSettings auth, RevocationConfig revocations, byte[] mailOutboxKey) {
  public static final String SERVICE = "auth-service";
  public static final int DEFAULT_PORT = 8082;

  public static AuthServiceConfig fromEnv(Env env) {
    return new AuthServiceConfig(
        InstanceConfig.fromEnv(SERVICE, DEFAULT_PORT, env),
        PgConfig.fromEnv(env),
        RedisConfig.fromEnv(env),
        SessionKeys.fromEnv(env),
        AuthSettings.fromEnv(env),
        RevocationConfig.fromEnv(env),
        OutboxSeal.keyFromEnv(env));
  }
}
