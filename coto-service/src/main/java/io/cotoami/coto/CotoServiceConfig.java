package io.cotoami.coto;

import io.cotoami.common.config.Env;
import io.cotoami.common.config.InstanceConfig;
import io.cotoami.common.config.PgConfig;
import io.cotoami.common.config.RedisConfig;
import io.cotoami.common.session.RevocationConfig;
import io.cotoami.common.session.SessionKeys;
import io.cotoami.common.mail.OutboxSeal;
import io.cotoami.coto.anonymous.AnonymousConfig;
import io.cotoami.coto.exchange.ExchangeConfig;
import io.cotoami.coto.graph.GraphConfig;
import java.net.URI;
import java.time.Duration;

/**
 * coto-service's configuration, parsed once from the environment.
 *
 * @param sessions           the key session tokens are verified with (required: authorization is enforced here)
 * @param anonymous          the anonymous store (its own Redis), retention, quotas and rate limits
 * @param replayLimit        how many events of a timeline are kept and replayed to a returning client
 * @param trimInterval       how often events beyond {@code replayLimit} are deleted
 * @param revocations        how closely the revoked sessions are followed
 * @param publicUrl          where people reach Cotoami: the base of the links in invitation mails
 * @param graph              the bounds of pins, connections and graph reads ({@code GRAPH_*})
 * @param exchange           the bounds of export and import ({@code EXPORT_TIMEOUT}, {@code IMPORT_TIMEOUT}, {@code IMPORTS_AT_ONCE})
 * @param mailOutboxKey      {@code MAIL_OUTBOX_KEY}, the key queued invitations are sealed with; null: shared through the cluster
 */
public record CotoServiceConfig(InstanceConfig instance, PgConfig pg, RedisConfig redis, SessionKeys sessions,
    AnonymousConfig anonymous, int replayLimit, Duration trimInterval, RevocationConfig revocations, URI publicUrl,
    byte[] mailOutboxKey, GraphConfig graph, ExchangeConfig exchange) {
  public static final String SERVICE = "coto-service";
  public static final int DEFAULT_PORT = 8081;

  public static CotoServiceConfig fromEnv(Env env) {
    return new CotoServiceConfig(
        InstanceConfig.fromEnv(SERVICE, DEFAULT_PORT, env),
        PgConfig.fromEnv(env),
        RedisConfig.fromEnv(env),
        SessionKeys.fromEnv(env),
        AnonymousConfig.fromEnv(env),
        replayLimit(env),
        trimInterval(env),
        RevocationConfig.fromEnv(env),
        env.publicUrl(),
        OutboxSeal.keyFromEnv(env),
        GraphConfig.fromEnv(env),
        ExchangeConfig.fromEnv(env));
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
