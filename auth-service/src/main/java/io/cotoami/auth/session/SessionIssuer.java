package io.cotoami.auth.session;

import io.cotoami.auth.AuthSettings;
import io.cotoami.auth.user.User;
import io.cotoami.common.session.SessionKeys;
import io.cotoami.common.session.SessionVerifier;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * Signs session tokens (JWT, ES256, header {@code kid}) with auth-service's private key, and makes
 * the browser's cookie. Claims: {@code iss}, {@code aud}, {@code sub} (user id), {@code sid}
 * (session id, what sign-out revokes), {@code email}, {@code name}, {@code iat}, {@code exp}.
 */
public final class SessionIssuer {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final JWTAuth signer;
  private final SessionKeys keys;
  private final AuthSettings settings;

  public SessionIssuer(Vertx vertx, SessionKeys keys, AuthSettings settings) {
    this.keys = keys;
    this.settings = settings;
    this.signer = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
        .setAlgorithm(SessionKeys.ALGORITHM).setId(keys.keyId()).setBuffer(settings.privateKeyPem())));
  }

  /** A token and when it expires. */
  public record Issued(String token, String sessionId, Instant expiresAt) {
  }

  /** A new session for the user. */
  public Issued issue(User user) {
    return sign(user, newSessionId());
  }

  /** The same session with a fresh expiry (sliding sessions). */
  public Issued renew(User user, String sessionId) {
    return sign(user, sessionId);
  }

  private Issued sign(User user, String sessionId) {
    Instant expiresAt = Instant.now().plus(settings.sessionTtl());
    JsonObject claims = new JsonObject()
        .put("sub", user.id().toString())
        .put("sid", sessionId)
        .put("email", user.email())
        .put("name", user.name())
        .put("exp", expiresAt.getEpochSecond());
    JWTOptions options = new JWTOptions()
        .setAlgorithm(SessionKeys.ALGORITHM)
        .setIssuer(keys.issuer())
        .setAudience(List.of(keys.audience()))
        .setHeader(new JsonObject().put("kid", keys.keyId()));
    return new Issued(signer.generateToken(claims, options), sessionId, expiresAt);
  }

  /** True once less than half of the session's lifetime is left: then it is renewed. */
  public boolean dueForRenewal(Instant expiresAt) {
    return Duration.between(Instant.now(), expiresAt).compareTo(settings.sessionTtl().dividedBy(2)) < 0;
  }

  public Cookie cookie(Issued issued) {
    return base(issued.token()).setMaxAge(Math.max(1, Duration.between(Instant.now(), issued.expiresAt()).toSeconds()));
  }

  public Cookie expiredCookie() {
    return base("").setMaxAge(0);
  }

  private Cookie base(String value) {
    return Cookie.cookie(SessionVerifier.COOKIE, value)
        .setPath("/")
        .setHttpOnly(true)
        .setSameSite(CookieSameSite.LAX)
        .setSecure(settings.secureCookies());
  }

  private static String newSessionId() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
