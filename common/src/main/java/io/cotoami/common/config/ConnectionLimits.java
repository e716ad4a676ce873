package io.cotoami.common.config;

import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * What one client may hold of a server's connections, so that idle, slow or many connections
 * cannot use up the process's file descriptors.
 *
 * @param idleTimeout       a connection that neither sends nor receives anything for this long is closed
 * @param headerTimeout     a request's line and headers must arrive in full within this, counted from
 *                          the connection's start or the end of the previous answer (slowloris)
 * @param bodyTimeout       a request's body must arrive in full within this after its headers
 * @param maxConnections    connections open at once on the public port; more are closed at once.
 *                          The default stays below the file-descriptor limit
 * @param maxPerClient      connections open at once from one client address; 0 for no cap (behind
 *                          a proxy every connection has the proxy's address)
 */
public record ConnectionLimits(Duration idleTimeout, Duration headerTimeout, Duration bodyTimeout,
                               int maxConnections, int maxPerClient) {
  /** Descriptors kept for everything that is not a client connection: jars, cluster, stores, upstreams. */
  static final int RESERVED_DESCRIPTORS = 256;

  public static ConnectionLimits fromEnv(Env env) {
    long fdLimit = descriptorLimit();
    int defaultMax = (int) Math.max(16, Math.min(Integer.MAX_VALUE, (fdLimit - RESERVED_DESCRIPTORS) * 3 / 4));
    ConnectionLimits limits = new ConnectionLimits(
        env.duration("HTTP_IDLE_TIMEOUT", Duration.ofSeconds(60)),
        env.duration("HTTP_HEADER_TIMEOUT", Duration.ofSeconds(10)),
        env.duration("HTTP_BODY_TIMEOUT", Duration.ofSeconds(30)),
        env.integer("HTTP_MAX_CONNECTIONS", defaultMax),
        env.integer("HTTP_MAX_CONNECTIONS_PER_CLIENT", 256));
    for (String name : new String[] {"HTTP_IDLE_TIMEOUT", "HTTP_HEADER_TIMEOUT", "HTTP_BODY_TIMEOUT"}) {
      Duration value = switch (name) {
        case "HTTP_IDLE_TIMEOUT" -> limits.idleTimeout;
        case "HTTP_HEADER_TIMEOUT" -> limits.headerTimeout;
        default -> limits.bodyTimeout;
      };
      if (value.toMillis() < 100) {
        throw new ConfigException("Invalid " + name + "='" + env.string(name, "") + "': expected at least 100ms");
      }
    }
    if (limits.maxConnections < 1 || limits.maxConnections > fdLimit) {
      throw new ConfigException("Invalid HTTP_MAX_CONNECTIONS='" + limits.maxConnections
          + "': expected from 1 to the file-descriptor limit (" + fdLimit + ")");
    }
    if (limits.maxPerClient < 0) {
      throw new ConfigException("Invalid HTTP_MAX_CONNECTIONS_PER_CLIENT='" + limits.maxPerClient
          + "': expected 0 (no cap) or more");
    }
    return limits;
  }

  /** The process's limit of open files ({@code ulimit -n}), or a conservative guess where it is unknown. */
  public static long descriptorLimit() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      return unix.getMaxFileDescriptorCount();
    }
    return 4096;
  }
}
