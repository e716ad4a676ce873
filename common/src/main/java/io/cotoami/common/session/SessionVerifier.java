package io.cotoami.common.session;

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

  private final JWTAuth jwt;
  private final SessionKeys keys;
  private final RevokedSessions revoked;
  /**
   * Verified tokens and their sessions. A client sends the same token with every request, and an
   * ES256 check costs more CPU than the rest of a post; the same string always carries the same
   * claims, so expiry and revocation are checked again on every use, the signature once.
   */
  private final Map<String, Session> verified;

  private SessionVerifier(JWTAuth jwt, SessionKeys keys, RevokedSessions revoked, Map<String, Session> verified) {
    this.jwt = jwt;
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
    return new SessionVerifier(JWTAuth.create(vertx, options), keys, null, new ConcurrentHashMap<>());
  }

  /** The same verifier, also refusing sessions signed out before their expiry. */
  public SessionVerifier withRevocations(RevokedSessions revokedSessions) {
    return new SessionVerifier(jwt, keys, revokedSessions, verified);
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
      return isRevoked(known) ? Future.failedFuture(invalid()) : Future.succeededFuture(known);
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
          if (subject == null || sessionId == null || expiry == null || started == null) {
            return Future.failedFuture(invalid());
          }
          Session session = new Session(subject, claims.getString("email"), claims.getString("name"),
              sessionId, Instant.ofEpochSecond(expiry), started);
          if (isRevoked(session)) {
            return Future.failedFuture(invalid());
          }
          if (verified.size() >= MAX_REMEMBERED) {
            verified.clear();
          }
          verified.put(token, session);
          return Future.succeededFuture(session);
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
