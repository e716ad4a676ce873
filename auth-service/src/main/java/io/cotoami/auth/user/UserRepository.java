package io.cotoami.auth.user;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** The {@code auth.users} table; every SQL statement of auth-service is here. */
public final class UserRepository {
  /** The first sign-in creates the user; later ones (and a race of two first ones) find it. */
  private static final String UPSERT = "INSERT INTO users (id, email, name) VALUES ($1, $2, $3) "
      + "ON CONFLICT (email) DO UPDATE SET email = EXCLUDED.email "
      + "RETURNING id, email, name, created_at, (xmax = 0) AS created";
  private static final String BY_ID = "SELECT id, email, name, created_at FROM users WHERE id = $1";
  private static final String BY_IDS = "SELECT id, email, name, created_at FROM users WHERE id = ANY($1)";
  private static final String SET_LANGUAGE = "UPDATE users SET language = $2 WHERE id = $1";
  private static final String LANGUAGE_BY_EMAIL = "SELECT language FROM users WHERE email = $1";
  private static final String RENAME = "UPDATE users SET name = $2 WHERE id = $1 RETURNING id, email, name, created_at";

  private final Pool pool;
  private final long timeoutMillis;

  /**
   * @param timeout deadline of each statement, waiting for a connection included; every statement
   *                here is safe to repeat (an upsert, a read, setting a name), so one that
   *                PostgreSQL runs after we gave up changes nothing a retry would not
   */
  public UserRepository(Pool pool, Duration timeout) {
    this.pool = pool;
    this.timeoutMillis = timeout.toMillis();
  }

  /** The result of signing in with an email: the user, and whether this sign-in created it. */
  public record SignedIn(User user, boolean created) {
  }

  public Future<SignedIn> findOrCreate(String email, String defaultName) {
    return pool.preparedQuery(UPSERT).execute(Tuple.of(UUID.randomUUID(), email, defaultName))
        .timeout(timeoutMillis, TimeUnit.MILLISECONDS)
        .map(rows -> {
          Row row = rows.iterator().next();
          return new SignedIn(user(row), row.getBoolean("created"));
        });
  }

  public Future<Optional<User>> find(UUID id) {
    return pool.preparedQuery(BY_ID).execute(Tuple.of(id))
        .timeout(timeoutMillis, TimeUnit.MILLISECONDS).map(UserRepository::first);
  }

  /** The users among these ids (unknown ids are left out). */
  public Future<java.util.List<User>> findAll(java.util.List<UUID> ids) {
    return pool.preparedQuery(BY_IDS).execute(Tuple.of(ids.toArray(new UUID[0]))).map(rows -> {
      java.util.List<User> found = new java.util.ArrayList<>(rows.size());
      rows.forEach(row -> found.add(user(row)));
      return found;
    });
  }

  public Future<Optional<User>> rename(UUID id, String name) {
    return pool.preparedQuery(RENAME).execute(Tuple.of(id, name))
        .timeout(timeoutMillis, TimeUnit.MILLISECONDS).map(UserRepository::first);
  }

  /** Remembers the language the person signed in with ({@code "ja"}/{@code "en"}). */
  public Future<Void> setLanguage(UUID id, String language) {
    return pool.preparedQuery(SET_LANGUAGE).execute(Tuple.of(id, language))
        .timeout(timeoutMillis, TimeUnit.MILLISECONDS).mapEmpty();
  }

  /** The language of the account with this (normalised) email; empty when there is none or it is not known. */
  public Future<Optional<String>> languageOf(String email) {
    return pool.preparedQuery(LANGUAGE_BY_EMAIL).execute(Tuple.of(email))
        .timeout(timeoutMillis, TimeUnit.MILLISECONDS)
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.ofNullable(rows.iterator().next().getString("language")));
  }

  private static Optional<User> first(RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(user(rows.iterator().next()));
  }

  private static User user(Row row) {
    OffsetDateTime created = row.getOffsetDateTime("created_at");
    return new User(row.getUUID("id"), row.getString("email"), row.getString("name"), created.toInstant());
  }
}
