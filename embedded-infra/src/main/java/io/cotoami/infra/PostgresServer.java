package io.cotoami.infra;

import io.cotoami.common.config.PgConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
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
public final class PostgresServer implements AutoCloseable {
  private final Path dataDir;
  private final boolean temporary;
  private final int port;
  private EmbeddedPostgres postgres;

  private PostgresServer(Path dataDir, boolean temporary, int port) {
    this.dataDir = dataDir;
    this.temporary = temporary;
    this.port = port;
  }

  /** A throw-away server on a free port, for tests. */
  public static PostgresServer startTemporary() {
    try {
      return start(Files.createTempDirectory("cotoami-pg-"), true, FreePorts.next());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A server whose data survives restarts, for the dev stack. */
  public static PostgresServer startPersistent(Path dataDir, int port) {
    return start(dataDir, false, port);
  }

  private static PostgresServer start(Path dataDir, boolean temporary, int port) {
    PostgresServer server = new PostgresServer(dataDir, temporary, port);
    server.startProcess();
    return server;
  }

  private void startProcess() {
    try {
      postgres = EmbeddedPostgres.builder()
          .setDataDirectory(dataDir)
          .setCleanDataDirectory(false)
          .setPort(port)
          .setPGStartupWait(Duration.ofSeconds(60))
          .setServerConfig("max_connections", "200")
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start embedded PostgreSQL on port " + port + " in " + dataDir, e);
    }
  }

  public int port() {
    return port;
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

  /** Stops and starts the server on the same port and data: what a database restart looks like to clients. */
  public void stop() {
    try {
      if (postgres != null) {
        postgres.close();
        postgres = null;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void restart() {
    stop();
    startProcess();
  }

  @Override
  public void close() {
    stop();
    if (temporary) {
      Directories.deleteQuietly(dataDir);
    }
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
