package io.cotoami.auth;

import io.cotoami.common.config.ConfigException;
import io.cotoami.common.config.Env;
import io.cotoami.common.http.ClientAddress;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What auth-service needs beyond its stores: the key it signs sessions with, where people reach
 * Cotoami, and the lifetimes and limits of sign-in.
 *
 * @param privateKeyPem      PKCS#8 PEM of the EC P-256 key sessions are signed with (ES256)
 * @param publicUrl          the base of the links in sign-in mails; never taken from a request
 * @param allowedOrigins     origins besides {@code publicUrl}'s that may send state-changing requests
 * @param sessionTtl         how long a session lives after it was issued or last renewed
 * @param sessionMaxAge      how long a session lives at most after sign-in, however often renewed
 * @param signinTokenTtl     how long an emailed sign-in link works (at most 15 minutes)
 * @param signinIpLimit      sign-in requests per client address per hour
 * @param signinEmailLimit   sign-in mails per address per hour (and never more than one a minute)
 * @param clientAddress      who a request comes from: {@code X-Forwarded-For} is believed only from
 *                           {@code TRUSTED_PROXIES} (the gateways)
 */
public record AuthSettings(String privateKeyPem, URI publicUrl, String allowedOrigins, Duration sessionTtl,
                           Duration sessionMaxAge, Duration signinTokenTtl, int signinIpLimit, int signinEmailLimit,
                           ClientAddress clientAddress) {
  static final Duration MAX_SIGNIN_TOKEN_TTL = Duration.ofMinutes(15);

  public static AuthSettings fromEnv(Env env) {
    Duration tokenTtl = env.duration("SIGNIN_TOKEN_TTL", MAX_SIGNIN_TOKEN_TTL);
    if (tokenTtl.isZero() || tokenTtl.compareTo(MAX_SIGNIN_TOKEN_TTL) > 0) {
      throw new ConfigException("Invalid SIGNIN_TOKEN_TTL='" + env.string("SIGNIN_TOKEN_TTL", "")
          + "': expected a duration from 1s to 15m");
    }
    Duration sessionTtl = env.duration("SESSION_TTL", Duration.ofDays(30));
    if (sessionTtl.toSeconds() < 60) {
      throw new ConfigException("Invalid SESSION_TTL='" + env.string("SESSION_TTL", "") + "': expected at least 1m");
    }
    Duration maxAge = env.duration("SESSION_MAX_AGE", Duration.ofDays(90));
    if (maxAge.compareTo(sessionTtl) < 0) {
      throw new ConfigException("Invalid SESSION_MAX_AGE='" + env.string("SESSION_MAX_AGE", "")
          + "': expected at least SESSION_TTL (" + sessionTtl + ")");
    }
    int ipLimit = env.integer("SIGNIN_IP_LIMIT", 30);
    int emailLimit = env.integer("SIGNIN_EMAIL_LIMIT", 5);
    if (ipLimit < 1 || emailLimit < 1) {
      throw new ConfigException("SIGNIN_IP_LIMIT and SIGNIN_EMAIL_LIMIT must be at least 1");
    }
    URI publicUrl = env.publicUrl();
    // In dev mode the loopback aliases of a loopback PUBLIC_URL are the same site (issue 16).
    String allowedOrigins = io.cotoami.common.session.SameOrigin.withDevAliases(publicUrl,
        env.string("ALLOWED_ORIGINS", null), env.bool("DEV_MODE", false));
    return new AuthSettings(privateKey(env), publicUrl, allowedOrigins, sessionTtl,
        maxAge, tokenTtl, ipLimit, emailLimit, ClientAddress.fromEnv(env));
  }

  private static String privateKey(Env env) {
    String file = env.string("JWT_PRIVATE_KEY_FILE", null);
    if (file == null) {
      throw new ConfigException("JWT_PRIVATE_KEY_FILE is required: the PEM (PKCS#8) private key sessions are signed "
          + "with (./cotoami up generates a dev key; see docs/configuration.md)");
    }
    String pem;
    try {
      pem = Files.readString(Path.of(file));
    } catch (IOException e) {
      throw new ConfigException("Invalid JWT_PRIVATE_KEY_FILE='" + file + "': cannot read it (" + e.getMessage() + ")");
    }
    if (!pem.contains("-----BEGIN PRIVATE KEY-----")) {
      throw new ConfigException("Invalid JWT_PRIVATE_KEY_FILE='" + file + "': expected a PKCS#8 PEM private key");
    }
    return pem;
  }

  /** {@code Secure} cookies, except on plain-http localhost where a browser would drop them. */
  public boolean secureCookies() {
    String host = publicUrl.getHost();
    boolean local = host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]");
    return !(publicUrl.getScheme().equals("http") && local);
  }

  /** The emailed link: always on the configured public URL. */
  public String signinLink(String token) {
    return publicUrl + "/signin/" + token;
  }
}
