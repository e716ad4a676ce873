package io.cotoami.coto.domain;

import io.cotoami.common.http.Problem;
import io.cotoami.common.http.ProblemException;
import io.cotoami.common.session.Session;
import java.util.Locale;
import java.util.UUID;

/**
 * A signed-in caller, from a verified session token: who acts, and the email memberships are
 * matched on (normalized as members are stored).
 */
public record Caller(UUID userId, String email) {

  public static Caller of(Session session) {
    try {
      return new Caller(UUID.fromString(session.userId()), normalizeEmail(session.email()));
    } catch (IllegalArgumentException e) {
      throw new ProblemException(Problem.of(401, "invalid-session", "Invalid session",
          "The session is missing, expired or not valid. Sign in again."));
    }
  }

  /** Trimmed and lower-cased: one person, one email, whatever they type. */
  public static String normalizeEmail(String email) {
    return email == null ? null : email.trim().toLowerCase(Locale.ROOT);
  }
}
