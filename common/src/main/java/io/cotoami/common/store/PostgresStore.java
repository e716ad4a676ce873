package io.cotoami.common.store;

import io.cotoami.common.config.PgConfig;
import io.cotoami.common.failure.Failures;
import io.cotoami.common.runtime.ServiceInstance;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's PostgreSQL: its own schema, migrated by Flyway at start (off the event loop), then a
 * reactive pool whose search path is that schema, and a readiness check.
 */
public final class PostgresStore {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresStore.class);
  /** Prepared statements kept per connection: every distinct statement a service runs fits, with room. */
  static final int STATEMENT_CACHE_SIZE = 256;

  private PostgresStore() {
  }

  /**
   * @param schema    the schema this service owns (its tables and its own migration history)
   * @param locations where its migrations live, e.g. {@code classpath:db/coto}
   */
  public static Future<Pool> start(ServiceInstance instance, PgConfig pg, String schema, String locations) {
    return instance.vertx().executeBlocking(() -> migrate(pg, schema, locations), false)
        .recover(e -> Future.failedFuture(new IllegalStateException(
            "PostgreSQL unreachable or not migratable at " + pg.describe() + ": " + Failures.describe(Failures.root(e)), e)))
        .map(result -> {
          LOG.info("Schema '{}' at version {} ({} migration(s) applied)", schema,
              result.targetSchemaVersion == null ? "current" : result.targetSchemaVersion, result.migrationsExecuted);
          Pool pool = pool(instance.vertx(), pg, schema, instance.config().service());
          instance.readinessCheck("postgresql", () -> pool.query("SELECT 1").execute());
          return pool;
        });
  }

  private static MigrateResult migrate(PgConfig pg, String schema, String locations) {
    return Flyway.configure()
        .dataSource(pg.jdbcUrl() + "?connectTimeout=5", pg.user(), pg.password())
        .schemas(schema)
        .defaultSchema(schema)
        .locations(locations)
        .load()
        .migrate();
  }

  /** The reactive pool every service uses (also for tests of what runs on it); no migration. */
  public static Pool pool(Vertx vertx, PgConfig pg, String schema, String applicationName) {
    PgConnectOptions connect = new PgConnectOptions()
        .setHost(pg.host())
        .setPort(pg.port())
        .setDatabase(pg.database())
        .setUser(pg.user())
        .setPassword(pg.password())
        .setReconnectAttempts(0)
        // Each connection prepares a statement once and keeps it (named, server-side): PostgreSQL neither
        // parses nor plans it again, and no prepare round trip precedes each execution. The cache lives and
        // dies with its connection, so a PostgreSQL restart (which closes every connection) starts it afresh.
        .setCachePreparedStatements(true)
        .setPreparedStatementCacheMaxSize(STATEMENT_CACHE_SIZE)
        // The server cancels a statement running longer than this (SQLSTATE 57014: a 503).
        // synchronous_commit=on for the whole session: a commit is on disk before it is acknowledged,
        // whatever the server's default (the embedded one runs with it off), with no statement per
        // transaction to say so. A transaction may still lower it with SET LOCAL; none of ours does.
        .setProperties(Map.of("search_path", schema, "application_name", applicationName,
            "statement_timeout", String.valueOf(pg.statementTimeout().toMillis()), "synchronous_commit", "on"));
    PoolOptions options = new PoolOptions()
        .setMaxSize(pg.poolSize())
        .setMaxWaitQueueSize(512)
        // A request waits this long at most for a connection; when PostgreSQL is down it fails fast.
        .setConnectionTimeout((int) pg.acquireTimeout().toMillis())
        .setConnectionTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS)
        .setName(applicationName + "-pg")
        .setShared(false);
    return PgBuilder.pool()
        .with(options)
        .with(new NetClientOptions().setConnectTimeout(2000))
        .connectingTo(connect)
        .using(vertx)
        .build();
  }
}
