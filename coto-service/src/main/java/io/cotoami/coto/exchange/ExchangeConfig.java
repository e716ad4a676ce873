package io.cotoami.coto.exchange;

import io.cotoami.common.config.Env;
import java.time.Duration;

/**
 * The bounds of export and import, parsed once from the environment. (The largest document an import
 * takes is {@code IMPORT_BODY_LIMIT}, which the gateway enforces too: see {@code InstanceConfig}.)
 *
 * @param exportTimeout    {@code EXPORT_TIMEOUT}: the longest one export may stream (default 10m); a client
 *                         reading slower than that gets a cut document
 * @param importTimeout    {@code IMPORT_TIMEOUT}: the longest one import's transaction may run (default 10m)
 * @param importsAtOnce    {@code IMPORTS_AT_ONCE}: imports one instance reads or runs at a time (default 2); more get 429
 * @param exportsAtOnce    {@code EXPORTS_AT_ONCE}: exports one instance streams at a time (default 2; each holds a
 *                         PostgreSQL connection for as long as its client reads); more get 429
 */
public record ExchangeConfig(Duration exportTimeout, Duration importTimeout, int importsAtOnce, int exportsAtOnce) {
  public static ExchangeConfig fromEnv(Env env) {
    return new ExchangeConfig(
        env.duration("EXPORT_TIMEOUT", Duration.ofMinutes(10)),
        env.duration("IMPORT_TIMEOUT", Duration.ofMinutes(10)),
        env.integer("IMPORTS_AT_ONCE", 2, 1, 64),
        env.integer("EXPORTS_AT_ONCE", 2, 1, 64));
  }
}
