package io.cotoami.common.session;

import io.cotoami.common.bus.Addresses;
import io.cotoami.common.http.Problem;
import io.cotoami.common.http.ProblemException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Verifies session tokens (JWT, ES256, with {@code kid}): only our algorithm, key and type are
 * accepted, so {@code alg: none}, another algorithm, another key, another {@code typ}, a
 * {@code crit} header (we understand no extension), a wrong issuer or audience and an expired
 * token all fail with a 401 problem. Every service that acts for a user verifies the token
 * itself; nothing trusts a header set by another hop. With revocations, a session is refused
 * with 503 while this instance does not know the revocations to be current.
 */
public final class SessionVerifier {
  /** The browser's cookie; mobile clients send {@code Authorization: Bearer <token>} instead. */
  public static final String COOKIE = "cotoami_session";
  /** The only {@code typ} header accepted, as auth-service signs it. */
  static final String TYPE = "JWT";

  /** Tokens whose signature was checked, at most this many; past it the memory starts afresh. */
  static final int MAX_REMEMBERED = 10_000;

  /** A personal access token's use is reported at most this often per instance (its "last use"). */
  static final long USE_REPORT_MILLIS = 60_000;

  private final Vertx vertx;
  private final JWTAuth jwt;
  private final SessionKeys keys;
  private final RevokedSessions revoked;
  /**
   * Verified tokens and their sessions. A client sends the same token with every request, and an
   * ES256 check costs more CPU than the rest of a post; the same string always carries the same
   * claims, so expiry and revocation are checked again on every use, the signature once.
   */
  private final Map<String, Session> verified;
  /** Token id → when this instance last reported its use. */
  private final Map<String, Long> reportedUse;

  private SessionVerifier(Vertx vertx, JWTAuth jwt, SessionKeys keys, RevokedSessions revoked,
                          Map<String, Session> verified, Map<String, Long> reportedUse) {
    this.vertx = vertx;
    this.jwt = jwt;
    this.reportedUse = reportedUse;
    this.keys = keys;
    this.revoked = revoked;
    this.verified = verified;
  }

  public static SessionVerifier create(Vertx vertx, SessionKeys keys) {
    JWTAuthOptions options = new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm(SessionKeys.ALGORITHM).setId(keys.keyId())
            .setBuffer(keys.publicKey()))
        .setJWTOptions(new JWTOptions()
            .setAlgorithm(SessionKeys.ALGORITHM)
            .setIssuer(keys.issuer())
            .setAudience(List.of(keys.audience())));
    return new SessionVerifier(vertx, JWTAuth.create(vertx, options), keys, null, new ConcurrentHashMap<>(),
        new ConcurrentHashMap<>());
  }

  /** The same verifier, also refusing sessions signed out before their expiry. */
  public SessionVerifier withRevocations(RevokedSessions revokedSessions) {
    return new SessionVerifier(vertx, jwt, keys, revokedSessions, verified, reportedUse);
  }

  /** The bearer token of {@code Authorization: Bearer <token>} (any case), if the request has one. */
  public static Optional<String> bearer(HttpServerRequest request) {
    String authorization = request.getHeader("Authorization");
    if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.of(authorization.substring(7).trim());
    }
    return Optional.empty();
  }

  /** The token a request carries: a bearer token first, else the session cookie. */
  public static Optional<String> tokenOf(HttpServerRequest request) {
    Optional<String> bearer = bearer(request);
    if (bearer.isPresent()) {
      return bearer;
    }
    Cookie cookie = request.getCookie(COOKIE);
    return cookie == null ? Optional.empty() : Optional.of(cookie.getValue());
  }

  /**
   * False while this verifier checks revocations and does not know them to be current: then every
   * session is refused with 503 (a gateway refuses signed-in requests before forwarding them).
   */
  public boolean revocationsCurrent() {
    return revoked == null || revoked.fresh();
  }

  /** Called with every revocation this instance learns (to close live sockets of that session). */
  public void onRevoked(Consumer<Revocation> listener) {
    if (revoked != null) {
      revoked.onRevoked(listener);
    }
  }

  /**
   * The session of a valid token; otherwise a failed future with a 401 problem, or a 503 problem
   * while revocations are not known to be current.
   */
  public Future<Session> verify(String token) {
    if (token == null || token.isBlank() || token.length() > 8192 || !headerIsOurs(token)) {
      return Future.failedFuture(invalid());
    }
    if (!revocationsCurrent()) {
      return Future.failedFuture(revocationsUnknown());
    }
    Session known = verified.get(token);
    if (known != null) {
      if (!known.expiresAt().isAfter(Instant.now())) {
        verified.remove(token);
        return Future.failedFuture(invalid());
      }
      return isRevoked(known) ? Future.failedFuture(invalid()) : Future.succeededFuture(used(known));
    }
    return jwt.authenticate(new TokenCredentials(token))
        .recover(e -> Future.failedFuture(invalid()))
        .compose(user -> {
          // The verified payload, with its registered claims (exp, iat), is kept as "accessToken".
          JsonObject claims = user.attributes().getJsonObject("accessToken", new JsonObject());
          String subject = claims.getString("sub");
          String sessionId = claims.getString("sid");
          Long expiry = claims.getLong("exp");
          Instant started = startOf(claims);
          Object scope = claims.getValue("scp");
          boolean validScope = scope == null || Session.SCOPE_READ.equals(scope) || Session.SCOPE_READ_WRITE.equals(scope);
          // Only a personal access token (it has a scope) may go without an expiry.
          if (subject == null || sessionId == null || started == null || !validScope
              || (expiry == null && scope == null)) {
            return Future.failedFuture(invalid());
          }
          Session session = new Session(subject, claims.getString("email"), claims.getString("name"),
              sessionId, expiry == null ? Session.NEVER : Instant.ofEpochSecond(expiry), started, (String) scope);
          if (isRevoked(session)) {
            return Future.failedFuture(invalid());
          }
          if (verified.size() >= MAX_REMEMBERED) {
            verified.clear();
          }
          verified.put(token, session);
          return Future.succeededFuture(used(session));
        });
  }

  /**
   * When the person signed in: {@code sst} (epoch ms, kept by renewals). Tokens issued before
   * that claim existed count from {@code iat}, which is never earlier, so "sign out everywhere"
   * still covers them.
   */
  private static Instant startOf(JsonObject claims) {
    Object sst = claims.getValue("sst");
    if (sst instanceof Number) {
      return Instant.ofEpochMilli(((Number) sst).longValue());
    }
    if (sst != null) {
      return null;
    }
    Long issuedAt = claims.getLong("iat");
    return issuedAt == null ? null : Instant.ofEpochSecond(issuedAt);
  }

  /**
   * The session of the request's token (bearer first, else the cookie), allowed to make this
   * request: a read-only personal access token is refused with 403 {@code insufficient-scope} for
   * anything but GET, HEAD and OPTIONS. Null (a succeeded future) when the request has no token.
   */
  public Future<Session> verifyFor(HttpServerRequest request) {
    Optional<String> token = tokenOf(request);
    if (token.isEmpty()) {
      return Future.succeededFuture(null);
    }
    return verify(token.get()).compose(session -> session.allows(request.method()) ? Future.succeededFuture(session)
        : Future.failedFuture(insufficientScope("This personal access token can only read.")));
  }

  /**
   * Fails with 403 {@code insufficient-scope} for a personal access token: what only a signed-in
   * person may do (making or revoking tokens, signing out) is refused to every token.
   */
  public static Future<Session> signedInPerson(Session session) {
    return session.isAccessToken()
        ? Future.failedFuture(insufficientScope("A personal access token cannot do this; sign in."))
        : Future.succeededFuture(session);
  }

  private static ProblemException insufficientScope(String detail) {
    return new ProblemException(Problem.of(403, "insufficient-scope", "Insufficient scope", detail));
  }

  /** Reports a personal access token's use on the bus, at most once a minute per token here. */
  private Session used(Session session) {
    if (session.isAccessToken()) {
      long now = System.currentTimeMillis();
      Long last = reportedUse.get(session.sessionId());
      if (last == null || now - last >= USE_REPORT_MILLIS) {
        if (reportedUse.size() >= MAX_REMEMBERED) {
          reportedUse.clear();
        }
        reportedUse.put(session.sessionId(), now);
        vertx.eventBus().publish(Addresses.ACCESS_TOKEN_USED,
            new JsonObject().put("tokenId", session.sessionId()).put("at", now));
      }
    }
    return session;
  }

  private boolean isRevoked(Session session) {
    return revoked != null && revoked.isRevoked(session);
  }

  /**
   * Our algorithm, our key id and type {@code JWT}, and no {@code crit} header (RFC 7515 4.1.11:
   * an extension the recipient does not understand makes the token invalid; we understand none).
   * Checked before the signature so no other key is ever tried.
   */
  private boolean headerIsOurs(String token) {
    int dot = token.indexOf('.');
    if (dot <= 0) {
      return false;
    }
    try {
      JsonObject header = new JsonObject(new String(Base64.getUrlDecoder().decode(token.substring(0, dot)),
          StandardCharsets.UTF_8));
      return SessionKeys.ALGORITHM.equals(header.getValue("alg")) && keys.keyId().equals(header.getValue("kid"))
          && TYPE.equals(header.getValue("typ")) && !header.containsKey("crit");
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static ProblemException revocationsUnknown() {
    return new ProblemException(Problem.unavailable(
        "Sessions cannot be checked on this instance right now. Please retry shortly."));
  }

  private static ProblemException invalid() {
    return new ProblemException(Problem.of(401, "invalid-session", "Invalid session",
        "The session is missing, expired or not valid. Sign in again."));
  }
}
