package io.cotoami.auth.session;

import io.cotoami.auth.AuthSettings;
import io.cotoami.auth.user.User;
import io.cotoami.common.session.Session;
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
 * the browser's cookie. Header {@code typ: JWT}. Claims: {@code iss}, {@code aud}, {@code sub}
 * (user id), {@code sid} (session id, what sign-out revokes), {@code sst} (when the person signed
 * in, epoch ms; renewals keep it), {@code email}, {@code name}, {@code iat}, {@code exp}. A
 * session slides by {@code SESSION_TTL} at each renewal but never past {@code sst} plus
 * {@code SESSION_MAX_AGE}.
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
    return sign(user, newSessionId(), Instant.now());
  }

  /** The same session with a fresh expiry (sliding sessions), within its absolute lifetime. */
  public Issued renew(User user, Session session) {
    return sign(user, session.sessionId(), session.startedAt());
  }

  /**
   * A personal access token: the same signature and claims as a session, plus {@code scp} (its
   * scope); {@code sid} is the token's id, {@code sst} its creation, and {@code exp} its expiry,
   * left out when it has none. It is never renewed.
   */
  public String issueAccessToken(User user, String tokenId, String scope, Instant createdAt, Instant expiresAt) {
    JsonObject claims = new JsonObject()
        .put("sub", user.id().toString())
        .put("sid", tokenId)
        .put("sst", createdAt.toEpochMilli())
        .put("email", user.email())
        .put("name", user.name())
        .put("scp", scope);
    if (expiresAt != null) {
      claims.put("exp", expiresAt.getEpochSecond());
    }
    return signer.generateToken(claims, options());
  }

  private JWTOptions options() {
    return new JWTOptions()
        .setAlgorithm(SessionKeys.ALGORITHM)
        .setIssuer(keys.issuer())
        .setAudience(List.of(keys.audience()))
        .setHeader(new JsonObject().put("kid", keys.keyId()).put("typ", "JWT"));
  }

  private Issued sign(User user, String sessionId, Instant startedAt) {
    Instant sliding = Instant.now().plus(settings.sessionTtl());
    Instant absolute = startedAt.plus(settings.sessionMaxAge());
    Instant expiresAt = sliding.isBefore(absolute) ? sliding : absolute;
    JsonObject claims = new JsonObject()
        .put("sub", user.id().toString())
        .put("sid", sessionId)
        .put("sst", startedAt.toEpochMilli())
        .put("email", user.email())
        .put("name", user.name())
        .put("exp", expiresAt.getEpochSecond());
    return new Issued(signer.generateToken(claims, options()), sessionId, expiresAt);
  }

  /**
   * True once less than half of the session's lifetime is left, unless it already ends at its
   * absolute limit (a renewal could not extend it): then it is renewed. Never a personal access token.
   */
  public boolean dueForRenewal(Session session) {
    if (session.isAccessToken()) {
      // A token renewed here would come back as a sign-in session: a scope escalation.
      return false;
    }
    boolean atLimit = !session.expiresAt().isBefore(session.startedAt().plus(settings.sessionMaxAge())
        .minusSeconds(1));
    return !atLimit && Duration.between(Instant.now(), session.expiresAt())
        .compareTo(settings.sessionTtl().dividedBy(2)) < 0;
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
