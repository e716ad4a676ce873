package io.cotoami.common.session;

import io.vertx.core.http.HttpMethod;
import java.time.Instant;

/**
 * A verified session: who the caller is. Built only by {@link SessionVerifier} from a token whose
 * signature, algorithm, key id, type, issuer, audience and expiry were checked.
 *
 * @param userId    the user's id (the token's {@code sub})
 * @param sessionId the session's id ({@code sid}), what sign-out revokes; a personal access
 *                  token's id
 * @param expiresAt when the token expires; {@link #NEVER} for a personal access token made
 *                  without an expiry
 * @param startedAt when the person signed in ({@code sst}; renewals keep it): what "sign out
 *                  everywhere" and the absolute lifetime count from; a token's creation
 * @param scope     null for a sign-in session; {@code read} or {@code read-write} for a personal
 *                  access token ({@code scp})
 */
public record Session(String userId, String email, String name, String sessionId, Instant expiresAt,
                      Instant startedAt, String scope) {
  /** The expiry of a personal access token that has none. */
  public static final Instant NEVER = Instant.parse("9999-12-31T23:59:59Z");
  public static final String SCOPE_READ = "read";
  public static final String SCOPE_READ_WRITE = "read-write";

  /** A sign-in session (not a personal access token). */
  public Session(String userId, String email, String name, String sessionId, Instant expiresAt, Instant startedAt) {
    this(userId, email, name, sessionId, expiresAt, startedAt, null);
  }

  /** True for a personal access token, false for a sign-in session. */
  public boolean isAccessToken() {
    return scope != null;
  }

  /**
   * The one scope rule: a sign-in session and a read-write token may do anything their user may;
   * a read token only reads (GET, HEAD, OPTIONS).
   */
  public boolean allows(HttpMethod method) {
    return !SCOPE_READ.equals(scope) || method == HttpMethod.GET || method == HttpMethod.HEAD
        || method == HttpMethod.OPTIONS;
  }
}
