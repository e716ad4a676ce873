package io.cotoami.common.session;

import io.cotoami.common.config.ConfigException;
import io.cotoami.common.config.Env;
import java.time.Duration;

/**
 * How closely an instance follows the revocations: it asks auth-service for what changed every
 * {@code reconcileInterval}, and once its last successful answer is older than
 * {@code maxStaleness} it is not ready and refuses signed-in requests with 503.
 */
public record RevocationConfig(Duration reconcileInterval, Duration maxStaleness) {
  public static RevocationConfig fromEnv(Env env) {
    Duration interval = env.duration("REVOCATIONS_RECONCILE_INTERVAL", Duration.ofSeconds(1));
    Duration staleness = env.duration("REVOCATIONS_MAX_STALENESS", Duration.ofSeconds(5));
    if (interval.toMillis() < 100 || interval.compareTo(Duration.ofMinutes(1)) > 0) {
      throw new ConfigException("Invalid REVOCATIONS_RECONCILE_INTERVAL='"
          + env.string("REVOCATIONS_RECONCILE_INTERVAL", "") + "': expected a duration from 100ms to 1m");
    }
    if (staleness.compareTo(interval.multipliedBy(2)) < 0) {
      throw new ConfigException("Invalid REVOCATIONS_MAX_STALENESS='" + env.string("REVOCATIONS_MAX_STALENESS", "")
          + "': expected at least twice REVOCATIONS_RECONCILE_INTERVAL (" + interval.toMillis() + "ms)");
    }
    return new RevocationConfig(interval, staleness);
  }

  /** How long one reconcile request may take: half the staleness bound, so one slow answer is not fatal. */
  public Duration requestTimeout() {
    return maxStaleness.dividedBy(2);
  }
}
