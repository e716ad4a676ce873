package io.cotoami.mail;

import io.cotoami.common.config.ConfigException;
import io.cotoami.common.config.Env;
import io.cotoami.common.config.InstanceConfig;
import io.cotoami.common.config.RedisConfig;
import io.cotoami.common.mail.OutboxSeal;
import io.cotoami.mail.smtp.SmtpConfig;

/**
 * mail-service's configuration, parsed once from the environment.
 *
 * @param concurrency   {@code MAIL_CONCURRENCY}: mails sent at once by this instance
 * @param mailOutboxKey {@code MAIL_OUTBOX_KEY}, the key the outbox is sealed with; null: shared through the cluster
 */
public record MailServiceConfig(InstanceConfig instance, RedisConfig redis, SmtpConfig smtp, int concurrency,
                                byte[] mailOutboxKey) {
  public static final String SERVICE = "mail-service";
  public static final int DEFAULT_PORT = 8083;

  public static MailServiceConfig fromEnv(Env env) {
    int concurrency = env.integer("MAIL_CONCURRENCY", 4);
    if (concurrency < 1 || concurrency > 64) {
      throw new ConfigException("Invalid MAIL_CONCURRENCY='" + concurrency + "': expected 1 to 64");
    }
    return new MailServiceConfig(
        InstanceConfig.fromEnv(SERVICE, DEFAULT_PORT, env),
        RedisConfig.fromEnv(env),
        SmtpConfig.fromEnv(env),
        concurrency,
        OutboxSeal.keyFromEnv(env));
  }
}
