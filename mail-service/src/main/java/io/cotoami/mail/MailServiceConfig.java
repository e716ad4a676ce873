package io.cotoami.mail;

import io.cotoami.common.config.Env;
import io.cotoami.common.config.InstanceConfig;
import io.cotoami.common.config.RedisConfig;
import io.cotoami.mail.smtp.SmtpConfig;

/** mail-service's configuration, parsed once from the environment. */
public record MailServiceConfig(InstanceConfig instance, RedisConfig redis, SmtpConfig smtp) {
  public static final String SERVICE = "mail-service";
  public static final int DEFAULT_PORT = 8083;

  public static MailServiceConfig fromEnv(Env env) {
    return new MailServiceConfig(
        InstanceConfig.fromEnv(SERVICE, DEFAULT_PORT, env),
        RedisConfig.fromEnv(env),
        SmtpConfig.fromEnv(env));
  }
}
