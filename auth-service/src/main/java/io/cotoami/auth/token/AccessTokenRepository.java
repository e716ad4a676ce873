package io.cotoami.auth.token;

import io.cotoami.common.session.Revocation;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** The {@code auth.access_tokens} table: every SQL statement about personal access tokens. */
public final class AccessTokenRepository {
  private static final String COLUMNS = "id, name, scope, created_at, expires_at, last_used_at";
  private static final String INSERT = "INSERT INTO access_tokens (id, user_id, name, scope, token_sha256, created_at, "
      + "expires_at) SELECT $1, $2, $3, $4, $5, $6, $7 WHERE (SELECT count(*) FROM access_tokens WHERE user_id = $2 "
      + "AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())) < $8 RETURNING " + COLUMNS;
  private static final String LIST = "SELECT " + COLUMNS + " FROM access_tokens WHERE user_id = $1 "
      + "AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now()) ORDER BY created_at DESC, id";
  /** Revoking twice is the same as once: the second call returns the same row (so it can be re-published). */
  private static final String REVOKE = "UPDATE access_tokens SET revoked_at = coalesce(revoked_at, now()) "
      + "WHERE id = $1 AND user_id = $2 RETURNING expires_at";
  private static final String REVOKED = "SELECT id, expires_at FROM access_tokens WHERE revoked_at IS NOT NULL "
      + "AND (expires_at IS NULL OR expires_at > now())";
  private static final String USED = "UPDATE access_tokens SET last_used_at = greatest(last_used_at, $2) WHERE id = $1";

  private final Pool pool;
  private final long timeoutMillis;

  public AccessTokenRepository(Pool pool, Duration timeout) {
    this.pool = pool;
    this.timeoutMillis = timeout.toMillis();
  }

  /** A token as its owner sees it in the list (never the token itself). */
  public record Listed(String id, String name, String scope, Instant createdAt, Instant expiresAt,
                       Instant lastUsedAt) {
  }

  /** Stores a new token unless the user already has {@code max} active ones (then empty). */
  public Future<Optional<Listed>> insert(String id, UUID userId, String name, String scope, byte[] sha256,
                                         Instant createdAt, Instant expiresAt, int max) {
    return pool.preparedQuery(INSERT).execute(Tuple.from(List.of(id, userId, name, scope,
            io.vertx.core.buffer.Buffer.buffer(sha256), at(createdAt))).addValue(at(expiresAt)).addValue(max))
        .timeout(timeoutMillis, TimeUnit.MILLISECONDS)
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(listed(rows.iterator().next())));
  }

  /** The user's tokens that still work, newest first. */
  public Future<List<Listed>> list(UUID userId) {
    return pool.preparedQuery(LIST).execute(Tuple.of(userId)).timeout(timeoutMillis, TimeUnit.MILLISECONDS)
        .map(rows -> {
          List<Listed> found = new ArrayList<>(rows.size());
          rows.forEach(row -> found.add(listed(row)));
          return found;
        });
  }

  /**
   * Marks the user's token revoked; its expiry (empty inner optional: none), or empty when the user
   * has no such token.
   */
  public Future<Optional<Optional<Instant>>> revoke(String id, UUID userId) {
    return pool.preparedQuery(REVOKE).execute(Tuple.of(id, userId)).timeout(timeoutMillis, TimeUnit.MILLISECONDS)
        .map(rows -> rows.size() == 0 ? Optional.empty()
            : Optional.of(Optional.ofNullable(instant(rows.iterator().next().getOffsetDateTime("expires_at")))));
  }

  /** The revocations of every revoked token that has not expired: part of every full read. */
  public Future<List<Revocation>> revocations() {
    return pool.preparedQuery(REVOKED).execute().timeout(timeoutMillis, TimeUnit.MILLISECONDS).map(rows -> {
      List<Revocation> found = new ArrayList<>(rows.size());
      rows.forEach(row -> found.add(revocation(row.getString("id"), instant(row.getOffsetDateTime("expires_at")))));
      return found;
    });
  }

  /** Records a use (the latest wins; an earlier report arriving late changes nothing). */
  public Future<Void> used(String id, Instant at) {
    return pool.preparedQuery(USED).execute(Tuple.of(id, at(at))).timeout(timeoutMillis, TimeUnit.MILLISECONDS)
        .mapEmpty();
  }

  /** The revocation of a token: until its expiry, or for ever when it has none. */
  public static Revocation revocation(String id, Instant expiresAt) {
    return Revocation.ofSession(id, expiresAt == null ? Long.MAX_VALUE : expiresAt.toEpochMilli());
  }

  private static Listed listed(Row row) {
    return new Listed(row.getString("id"), row.getString("name"), row.getString("scope"),
        instant(row.getOffsetDateTime("created_at")), instant(row.getOffsetDateTime("expires_at")),
        instant(row.getOffsetDateTime("last_used_at")));
  }

  private static OffsetDateTime at(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }

  private static Instant instant(OffsetDateTime time) {
    return time == null ? null : time.toInstant();
  }
}
