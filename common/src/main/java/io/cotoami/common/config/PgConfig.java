package io.cotoami.common.config;

/** PostgreSQL connection, from the variables libpq and psql use. */
public record PgConfig(String host, int port, String database, String user, String password, int poolSize) {

  public static PgConfig fromEnv(Env env) {
    return new PgConfig(
        env.string("PGHOST", "localhost"),
        env.port("PGPORT", 5432),
        env.string("PGDATABASE", "cotoami"),
        env.string("PGUSER", "cotoami"),
        env.string("PGPASSWORD", "cotoami"),
        env.integer("PGPOOL_MAX_SIZE", 8));
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database;
  }

  /** Where, for error messages; never the password. */
  public String describe() {
    return "postgresql://" + user + "@" + host + ":" + port + "/" + database;
  }
}
