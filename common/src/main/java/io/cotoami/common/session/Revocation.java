package io.cotoami.common.session;

import io.vertx.core.json.JsonObject;

/**
 * One revocation, as auth-service stores it and as it travels on the bus: either one session
 * ({@code sessionId}) or every session of a user that started at or before {@code before}
 * ("sign out everywhere"). {@code until} is the epoch millisecond after which no token it covers
 * can still be valid, so the entry can be forgotten.
 */
public record Revocation(String sessionId, String userId, long before, long until) {
  public Revocation {
    if ((sessionId == null) == (userId == null)) {
      throw new IllegalArgumentException("a revocation names either a session or a user");
    }
  }

  public static Revocation ofSession(String sessionId, long until) {
    return new Revocation(sessionId, null, 0, until);
  }

  /** Every session of the user started at or before {@code before} (epoch ms). */
  public static Revocation ofUser(String userId, long before, long until) {
    return new Revocation(null, userId, before, until);
  }

  /**
   * True when this revocation refuses the session. "Sign out everywhere" ends sign-in sessions;
   * a personal access token is revoked only by its own id.
   */
  public boolean covers(Session session) {
    if (sessionId != null) {
      return sessionId.equals(session.sessionId());
    }
    return !session.isAccessToken() && userId.equals(session.userId())
        && session.startedAt().toEpochMilli() <= before;
  }

  public boolean expired(long nowMillis) {
    return until <= nowMillis;
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    if (sessionId != null) {
      json.put("sessionId", sessionId);
    } else {
      json.put("userId", userId).put("before", before);
    }
    return json.put("until", until);
  }

  /** The revocation in {@code json}; a body that names neither a session nor a user fails. */
  public static Revocation fromJson(JsonObject json) {
    Long until = json.getLong("until");
    if (until == null) {
      throw new IllegalArgumentException("a revocation needs 'until'");
    }
    String sessionId = json.getString("sessionId");
    if (sessionId != null) {
      return ofSession(sessionId, until);
    }
    Long before = json.getLong("before");
    if (before == null) {
      throw new IllegalArgumentException("a user's revocation needs 'before'");
    }
    return ofUser(json.getString("userId"), before, until);
  }
}
