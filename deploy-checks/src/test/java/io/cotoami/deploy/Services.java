package io.cotoami.deploy;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The four services and the environment variables each one reads (the configuration contract of
 * docs/operations.md). Variables with a safe default that a deployment must still set explicitly
 * are listed; INSTANCE_ID is not: its default (hostname, pid, random suffix) is what we want.
 */
enum Services {
  GATEWAY("gateway", 8080, false, false, true),
  COTO_SERVICE("coto-service", 8081, true, false, true),
  AUTH_SERVICE("auth-service", 8082, true, false, true),
  MAIL_SERVICE("mail-service", 8083, false, true, false);

  /** Where a service runs decides how its members find each other. */
  enum Platform { KUBERNETES, COMPOSE }

  static final List<String> EVERY_SERVICE = List.of(
      "HTTP_HOST", "HTTP_PORT", "ANNOUNCE_HOST", "HTTP_BODY_LIMIT", "BUS_TIMEOUT", "SHUTDOWN_GRACE_PERIOD",
      "CLUSTER_NAME", "CLUSTER_DISCOVERY", "CLUSTER_HOST", "CLUSTER_PUBLIC_HOST", "CLUSTER_PORT",
      "CLUSTER_PORT_COUNT", "EVENTBUS_PORT", "LOG_FORMAT", "MANAGEMENT_PORT");
  static final List<String> DATASTORES = List.of(
      "PGHOST", "PGPORT", "PGDATABASE", "PGUSER", "PGPASSWORD", "PGPOOL_MAX_SIZE", "REDIS_URL");
  static final List<String> MAIL = List.of(
      "REDIS_URL", "SMTP_HOST", "SMTP_PORT", "SMTP_USERNAME", "SMTP_PASSWORD", "SMTP_STARTTLS", "MAIL_FROM");
  static final List<String> GATEWAY_ONLY = List.of(
      "UPSTREAM_CONNECT_TIMEOUT", "UPSTREAM_TIMEOUT", "PUBLIC_URL", "ALLOWED_ORIGINS", "DEV_MODE", "DEBUG_ROUTES",
      "TRUSTED_PROXIES");
  static final List<String> SESSION_CHECKS = List.of("JWT_PUBLIC_KEY_FILE", "JWT_KEY_ID");
  static final List<String> AUTH_ONLY = List.of("JWT_PRIVATE_KEY_FILE", "PUBLIC_URL", "TRUSTED_PROXIES");
  /** Anonymous data lives in a Redis of its own (coto-service only). */
  static final List<String> COTO_ONLY = List.of("ANON_REDIS_URL");
  /** Where /health/*, /metrics and /debug are served, in every deployment. */
  static final int MANAGEMENT_PORT = 9090;

  final String id;
  final int httpPort;
  final boolean ownsTables;
  final boolean sendsMail;
  final boolean checksSessions;

  Services(String id, int httpPort, boolean ownsTables, boolean sendsMail, boolean checksSessions) {
    this.id = id;
    this.httpPort = httpPort;
    this.ownsTables = ownsTables;
    this.sendsMail = sendsMail;
    this.checksSessions = checksSessions;
  }

  Set<String> requiredEnv(Platform platform) {
    Set<String> names = new LinkedHashSet<>(EVERY_SERVICE);
    names.add(platform == Platform.KUBERNETES ? "CLUSTER_KUBERNETES_SERVICE_DNS" : "CLUSTER_MEMBERS");
    if (ownsTables) {
      names.addAll(DATASTORES);
    }
    if (sendsMail) {
      names.addAll(MAIL);
    }
    if (checksSessions) {
      names.addAll(SESSION_CHECKS);
    }
    if (this == GATEWAY) {
      names.addAll(GATEWAY_ONLY);
    }
    if (this == AUTH_SERVICE) {
      names.addAll(AUTH_ONLY);
    }
    if (this == COTO_SERVICE) {
      names.addAll(COTO_ONLY);
    }
    return names;
  }

  @Override
  public String toString() {
    return id;
  }
}
