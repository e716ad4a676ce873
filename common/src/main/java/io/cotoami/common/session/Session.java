package io.cotoami.common.session;

import java.time.Instant;

/**
 * A verified session: who the caller is. Built only by {@link SessionVerifier} from a token whose
 * signature, algorithm, key id, type, issuer, audience and expiry were checked.
 *
 * @param userId    the user's id (the token's {@code sub})
 * @param sessionId the session's id ({@code sid}), what sign-out revokes
 * @param startedAt when the person signed in ({@code sst}; renewals keep it): what "sign out
 *                  everywhere" and the absolute lifetime count from
 */
public record Session(String userId, String email, String name, String sessionId, Instant expiresAt,
                      Instant startedAt) {
}
