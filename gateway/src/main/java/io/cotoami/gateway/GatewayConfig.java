package io.cotoami.gateway;

import io.cotoami.common.config.ConfigException;
import io.cotoami.common.config.Env;
import io.cotoami.common.config.InstanceConfig;
import io.cotoami.common.http.ClientAddress;
import io.cotoami.common.session.SameOrigin;
import io.cotoami.common.session.RevocationConfig;
import io.cotoami.common.session.SessionKeys;
import io.cotoami.gateway.live.LiveConfig;
import java.net.URI;
import java.time.Duration;

/**
 * The gateway's configuration, parsed once from the environment.
 *
 * @param upstreamConnectTimeout how long connecting to a service instance may take
 * @param upstreamTimeout        how long a service instance may stay silent while answering
 * @param publicUrl              where people reach Cotoami (links in mails, allowed origin)
 * @param devMode                serves the local-only pages of {@code ./cotoami up}
 * @param allowedOrigins         origins besides {@code publicUrl}'s allowed to send state-changing
 *                               requests with the session cookie (comma-separated), or null
 * @param devMailUrl             dev mode: the local inbox whose pages {@code /dev/mail} shows
 * @param affinitySecret         key of the route cookies' HMAC; when unset, the gateways of the
 *                               cluster share a random one through the cluster
 * @param debugRoutes            ({@code DEBUG_ROUTES} or {@code DEV_MODE}) serves
 *                               {@code /api/debug/{service}} and {@code /api/instances}
 *                               (which instance answered, the live table): for development and
 *                               tests, not for the public
 * @param revocations            how closely the revoked sessions are followed
 * @param clientAddress          who a request comes from: {@code TRUSTED_PROXIES} (the Ingress)
 *                               whose {@code X-Forwarded-For} is believed
 */
public record GatewayConfig(InstanceConfig instance, SessionKeys sessions, LiveConfig live,
                            Duration upstreamConnectTimeout, Duration upstreamTimeout,
                            URI publicUrl, String allowedOrigins, boolean devMode, URI devMailUrl,
                            String affinitySecret, boolean debugRoutes, RevocationConfig revocations,
                            ClientAddress clientAddress) {
  public static final String SERVICE = "gateway";
  public static final int DEFAULT_PORT = 8080;

  public static GatewayConfig fromEnv(Env env) {
    URI publicUrl = env.publicUrl();
    return new GatewayConfig(
        InstanceConfig.fromEnv(SERVICE, DEFAULT_PORT, env),
        SessionKeys.fromEnv(env),
        LiveConfig.fromEnv(env),
        env.duration("UPSTREAM_CONNECT_TIMEOUT", Duration.ofSeconds(2)),
        env.duration("UPSTREAM_TIMEOUT", Duration.ofSeconds(15)),
        publicUrl,
        allowedOrigins(env, publicUrl),
        env.bool("DEV_MODE", false),
        env.httpUrl("DEV_MAIL_URL", "http://127.0.0.1:8025"),
        affinitySecret(env),
        env.bool("DEBUG_ROUTES", false) || env.bool("DEV_MODE", false),
        RevocationConfig.fromEnv(env),
        ClientAddress.fromEnv(env));
  }

  private static String allowedOrigins(Env env, URI publicUrl) {
    String raw = env.string("ALLOWED_ORIGINS", null);
    try {
      SameOrigin.of(publicUrl, raw);
    } catch (RuntimeException e) {
      throw new ConfigException("Invalid ALLOWED_ORIGINS='" + raw
          + "': expected comma-separated origins such as https://app.example,https://m.example");
    }
    return SameOrigin.withDevAliases(publicUrl, raw, env.bool("DEV_MODE", false));
  }

  private static String affinitySecret(Env env) {
    String secret = env.string("AFFINITY_SECRET", null);
    if (secret != null && secret.length() < 32) {
      throw new ConfigException("Invalid AFFINITY_SECRET: expected at least 32 characters");
    }
    return secret;
  }
}
