package io.cotoami.common.config;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;

/**
 * What every service instance needs regardless of its domain: identity, HTTP listener, limits,
 * shutdown grace and cluster membership.
 *
 * @param service        service name (gateway, coto-service, ...)
 * @param instanceId     stable unique id of this process: hostname, pid and a random suffix
 * @param httpHost       interface the HTTP server binds to
 * @param httpPort       HTTP port (0 picks a free one; the announced port is the bound one)
 * @param announceHost   host other instances use to reach this HTTP server
 * @param bodyLimit      largest request body accepted, in bytes ({@code HTTP_BODY_LIMIT}, 64 KiB)
 * @param importBodyLimit largest document {@code POST /api/import} accepts, in bytes
 *                       ({@code IMPORT_BODY_LIMIT}, 32 MiB): the only larger body, see {@link #bodyLimitFor}
 * @param busTimeout     timeout of every event-bus request this instance sends
 * @param shutdownGrace  how long in-flight work may take after SIGTERM
 * @param cluster        cluster membership
 * @param managementHost interface the management server ({@code /health/*}, {@code /metrics},
 *                       {@code /debug}) binds to
 * @param managementPort port of the management server (0 picks a free one)
 * @param debugRoutes    the public port serves the debug routes too ({@code DEBUG_ROUTES} or
 *                       {@code DEV_MODE}): for development and tests only
 * @param connections    timeouts and caps of the public port's connections
 */
public record InstanceConfig(
    String service,
    String instanceId,
    String httpHost,
    int httpPort,
    String announceHost,
    long bodyLimit,
    long importBodyLimit,
    Duration busTimeout,
    Duration shutdownGrace,
    ClusterConfig cluster,
    String managementHost,
    int managementPort,
    boolean debugRoutes,
    ConnectionLimits connections) {
  public static final int DEFAULT_MANAGEMENT_PORT = 9090;
  /** The one path whose body may be larger than {@code HTTP_BODY_LIMIT}: an exported document coming back. */
  public static final String IMPORT_PATH = "/api/import";

  public static InstanceConfig fromEnv(String service, int defaultPort, Env env) {
    ClusterConfig cluster = ClusterConfig.fromEnv(env);
    String httpHost = env.string("HTTP_HOST", "0.0.0.0");
    return new InstanceConfig(
        service,
        env.string("INSTANCE_ID", defaultInstanceId()),
        httpHost,
        env.port("HTTP_PORT", defaultPort),
        env.string("ANNOUNCE_HOST", cluster.publicHost()),
        env.bytes("HTTP_BODY_LIMIT", 64 * 1024),
        env.bytes("IMPORT_BODY_LIMIT", 32L * 1024 * 1024),
        env.duration("BUS_TIMEOUT", Duration.ofSeconds(5)),
        env.duration("SHUTDOWN_GRACE_PERIOD", Duration.ofSeconds(20)),
        cluster,
        env.string("MANAGEMENT_HOST", httpHost),
        env.port("MANAGEMENT_PORT", DEFAULT_MANAGEMENT_PORT),
        env.bool("DEBUG_ROUTES", false) || env.bool("DEV_MODE", false),
        ConnectionLimits.fromEnv(env));
  }

  /** The largest body accepted on {@code path}: the gateway and the service it forwards to agree by asking here. */
  public long bodyLimitFor(String path) {
    return IMPORT_PATH.equals(path) ? Math.max(bodyLimit, importBodyLimit) : bodyLimit;
  }

  /** Hostname and pid identify the process for a person; the suffix keeps ids unique across restarts. */
  public static String defaultInstanceId() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "localhost";
    }
    byte[] suffix = new byte[3];
    new SecureRandom().nextBytes(suffix);
    return host + "-" + ProcessHandle.current().pid() + "-" + HexFormat.of().formatHex(suffix);
  }

  public InstanceConfig withHttpPort(int port) {
    return new InstanceConfig(service, instanceId, httpHost, port, announceHost, bodyLimit, importBodyLimit, busTimeout,
        shutdownGrace, cluster, managementHost, managementPort, debugRoutes, connections);
  }

  public InstanceConfig withCluster(ClusterConfig newCluster) {
    return new InstanceConfig(service, instanceId, httpHost, httpPort, announceHost, bodyLimit, importBodyLimit, busTimeout,
        shutdownGrace, newCluster, managementHost, managementPort, debugRoutes, connections);
  }

  public static String pid() {
    return String.valueOf(ManagementFactory.getRuntimeMXBean().getPid());
  }
}
