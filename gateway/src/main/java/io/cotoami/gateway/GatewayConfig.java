package io.cotoami.gateway;

import io.cotoami.common.config.ConfigException;
import io.cotoami.common.config.Env;
import io.cotoami.common.config.InstanceConfig;
import io.cotoami.common.session.SameOrigin;
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
 * @param debugRoutes            serves {@code /api/debug/{service}} and {@code /api/instances}
 *                               (which instance answered, the live table): for development and
 *                               tests, not for the public
 */
public record GatewayConfig(InstanceConfig instance, SessionKeys sessions, LiveConfig live,
                            Duration upstreamConnectTimeout, Duration upstreamTimeout,
                            URI publicUrl, String allowedOrigins, boolean devMode, URI devMailUrl,
                            String affinitySecret, boolean debugRoutes) {
  public static final String SERVICE = "gateway";
  public static final int DEFAULT_PORT = 8080;

  public static GatewayConfig fromEnv(Env env) {
    String rawUrl = env.string("PUBLIC_URL", "http://localhost:8080");
    URI publicUrl;
    try {
      publicUrl = URI.create(rawUrl);
      if (publicUrl.getHost() == null || publicUrl.getScheme() == null || !publicUrl.getScheme().matches("https?")) {
        throw new IllegalArgumentException(rawUrl);
      }
    } catch (IllegalArgumentException e) {
      throw new ConfigException("Invalid PUBLIC_URL='" + rawUrl + "': expected an http(s) URL such as https://cotoami.example");
    }
    return new GatewayConfig(
        InstanceConfig.fromEnv(SERVICE, DEFAULT_PORT, env),
        SessionKeys.fromEnv(env),
        LiveConfig.fromEnv(env),
        env.duration("UPSTREAM_CONNECT_TIMEOUT", Duration.ofSeconds(2)),
        env.duration("UPSTREAM_TIMEOUT", Duration.ofSeconds(15)),
        publicUrl,
        allowedOrigins(env, publicUrl),
        env.bool("DEV_MODE", false),
        url(env, "DEV_MAIL_URL", "http://127.0.0.1:8025"),
        affinitySecret(env),
        env.bool("DEBUG_ROUTES", false));
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

  private static URI url(Env env, String name, String defaultValue) {
    String raw = env.string(name, defaultValue);
    try {
      URI uri = URI.create(raw);
      if (uri.getHost() == null || uri.getScheme() == null || !uri.getScheme().matches("https?")) {
        throw new IllegalArgumentException(raw);
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw new ConfigException("Invalid " + name + "='" + raw + "': expected an http(s) URL");
    }
  }

  private static String affinitySecret(Env env) {
    String secret = env.string("AFFINITY_SECRET", null);
    if (secret != null && secret.length() < 32) {
      throw new ConfigException("Invalid AFFINITY_SECRET: expected at least 32 characters");
    }
    return secret;
  }
}
