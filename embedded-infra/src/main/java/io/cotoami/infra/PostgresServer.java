package io.cotoami.infra;

import io.cotoami.common.config.PgConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * A real PostgreSQL (zonky's binaries, same major as we deploy) on loopback. With a data directory
 * it keeps its data across restarts; without one it uses a temporary directory removed on close.
 */
public final class PostgresServer extends EmbeddedServer {
  private EmbeddedPostgres postgres;

  private PostgresServer(Path dataDir, boolean temporary, int port) {
    super(dataDir, temporary, port);
  }

  /** A throw-away server on a free port, for tests. */
  public static PostgresServer startTemporary() {
    PostgresServer server = new PostgresServer(temporaryDirectory("cotoami-pg-"), true, FreePorts.next());
    server.startProcess();
    return server;
  }

  /** A server whose data survives restarts, for the dev stack. */
  public static PostgresServer startPersistent(Path dataDir, int port) {
    PostgresServer server = new PostgresServer(dataDir, false, port);
    server.startProcess();
    return server;
  }

  @Override
  void startProcess() {
    try {
      postgres = EmbeddedPostgres.builder()
          .setDataDirectory(dataDir)
          .setCleanDataDirectory(false)
          .setPort(port)
          .setPGStartupWait(Duration.ofSeconds(60))
          .setServerConfig("max_connections", "200")
          // Loopback only: the dev stack and the tests are never reachable from the network.
          .setServerConfig("listen_addresses", "localhost")
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start embedded PostgreSQL on port " + port + " in " + dataDir, e);
    }
  }

  @Override
  void stopProcess() {
    try {
      if (postgres != null) {
        postgres.close();
        postgres = null;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Creates (once) a role and a database it owns, and returns how to reach it. */
  public PgConfig ensureDatabase(String database, String user, String password) {
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      if (!exists(s, "SELECT 1 FROM pg_roles WHERE rolname = '" + identifier(user) + "'")) {
        s.execute("CREATE ROLE " + identifier(user) + " LOGIN PASSWORD '" + password.replace("'", "''") + "'");
      }
      if (!exists(s, "SELECT 1 FROM pg_database WHERE datname = '" + identifier(database) + "'")) {
        s.execute("CREATE DATABASE " + identifier(database) + " OWNER " + identifier(user));
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + database + ": " + e.getMessage(), e);
    }
    return new PgConfig("localhost", port, database, user, password, 8);
  }

  private static boolean exists(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      return rs.next();
    }
  }

  private static String identifier(String name) {
    if (!name.matches("[a-z_][a-z0-9_]{0,62}")) {
      throw new IllegalArgumentException("not a plain identifier: " + name);
    }
    return name;
  }
}
