package io.cotoami.common.config;

import java.time.Duration;

/**
 * PostgreSQL connection, from the variables libpq and psql use, and the deadlines of every call.
 *
 * @param acquireTimeout   how long a request may wait for a pooled connection
 * @param statementTimeout how long a statement may run (the server's {@code statement_timeout});
 *                         a whole call (a transaction) gets {@code acquireTimeout + statementTimeout}
 */
public record PgConfig(String host, int port, String database, String user, String password, int poolSize,
                       Duration acquireTimeout, Duration statementTimeout) {
  public static final Duration DEFAULT_ACQUIRE_TIMEOUT = Duration.ofSeconds(1);
  public static final Duration DEFAULT_STATEMENT_TIMEOUT = Duration.ofMillis(1500);

  /** With the default deadlines. */
  public PgConfig(String host, int port, String database, String user, String password, int poolSize) {
    this(host, port, database, user, password, poolSize, DEFAULT_ACQUIRE_TIMEOUT, DEFAULT_STATEMENT_TIMEOUT);
  }

  public static PgConfig fromEnv(Env env) {
    return new PgConfig(
        env.string("PGHOST", "localhost"),
        env.port("PGPORT", 5432),
        env.string("PGDATABASE", "cotoami"),
        env.string("PGUSER", "cotoami"),
        env.string("PGPASSWORD", "cotoami"),
        env.integer("PGPOOL_MAX_SIZE", 8),
        env.duration("PG_ACQUIRE_TIMEOUT", DEFAULT_ACQUIRE_TIMEOUT, Duration.ofMillis(10), Duration.ofSeconds(10)),
        env.duration("PG_STATEMENT_TIMEOUT", DEFAULT_STATEMENT_TIMEOUT, Duration.ofMillis(100), Duration.ofSeconds(10)));
  }

  /** The most a call may take, from asking for a connection to the end of its commit. */
  public Duration callTimeout() {
    return acquireTimeout.plus(statementTimeout);
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database;
  }

  /** Where, for error messages; never the password. */
  public String describe() {
    return "postgresql://" + user + "@" + host + ":" + port + "/" + database;
  }
}
