package io.cotoami.common.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How an instance joins the Hazelcast cluster that carries the event bus.
 *
 * @param name            cluster name; instances with another name never join (tests use random ones).
 *                        Required ({@code CLUSTER_NAME}) unless {@code DEV_MODE=true}, where one
 *                        of this user's own is made up: no shared default lets a service started by
 *                        hand join a stranger's cluster on a shared host or network
 * @param discovery       {@code tcp} (a member list, loopback by default) or {@code kubernetes} (DNS of a headless Service)
 * @param host            interface Hazelcast and the event bus bind to: an address, or a host name
 *                        resolved once at start (a container's own hostname in docker-compose.yml)
 * @param publicHost      address other members use to reach this one
 * @param port            first Hazelcast port tried; the next {@code portCount - 1} are tried when taken
 * @param portCount       how many ports from {@code port} this member and the TCP join may use
 * @param members         TCP discovery: members to contact ({@code host} or {@code host:port})
 * @param kubernetesServiceDns Kubernetes discovery: the headless Service's DNS name
 * @param eventBusPort    event-bus TCP port (0 picks a free one)
 * @param minMembers      readiness: fewer members than this (this one included) and the instance is not ready
 */
public record ClusterConfig(
    String name,
    Discovery discovery,
    String host,
    String publicHost,
    int port,
    int portCount,
    List<String> members,
    String kubernetesServiceDns,
    int eventBusPort,
    int minMembers) {

  public enum Discovery { TCP, KUBERNETES }

  /** Without a minimum cluster size (readiness still refuses an instance that lost all its peers). */
  public ClusterConfig(String name, Discovery discovery, String host, String publicHost, int port, int portCount,
                       List<String> members, String kubernetesServiceDns, int eventBusPort) {
    this(name, discovery, host, publicHost, port, portCount, members, kubernetesServiceDns, eventBusPort, 1);
  }
  private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|\\[?[0-9a-fA-F:.]*:[0-9a-fA-F:.]*]?");

  public static ClusterConfig fromEnv(Env env) {
    Discovery discovery = env.choice("CLUSTER_DISCOVERY", Discovery.TCP, Discovery.class);
    String host = address("CLUSTER_HOST", env.string("CLUSTER_HOST", "127.0.0.1"));
    String dns = env.string("CLUSTER_KUBERNETES_SERVICE_DNS", null);
    if (discovery == Discovery.KUBERNETES && dns == null) {
      throw new ConfigException("CLUSTER_KUBERNETES_SERVICE_DNS is required when CLUSTER_DISCOVERY=kubernetes");
    }
    List<String> members = List.of(env.string("CLUSTER_MEMBERS", "127.0.0.1").split("\\s*,\\s*"));
    int portCount = env.integer("CLUSTER_PORT_COUNT", 20, 1, 100);
    String publicHost = env.string("CLUSTER_PUBLIC_HOST", null);
    return new ClusterConfig(
        name(env),
        discovery,
        host,
        publicHost == null ? host : address("CLUSTER_PUBLIC_HOST", publicHost),
        env.port("CLUSTER_PORT", 5701),
        portCount,
        members,
        dns,
        env.port("EVENTBUS_PORT", 0),
        env.integer("CLUSTER_MIN_MEMBERS", 1, 1, 1000));
  }

  private static String name(Env env) {
    String name = env.string("CLUSTER_NAME", null);
    if (name != null && !name.isBlank()) {
      return name;
    }
    if (env.bool("DEV_MODE", false)) {
      return devName(System.getProperty("user.name", "someone"));
    }
    throw new ConfigException("CLUSTER_NAME is required: a name of this deployment's own, so that its services"
        + " never join another cluster on the same host or network (with DEV_MODE=true one is made up)");
  }

  /** The made-up name of dev mode: the same for one user's services, another for another user's. */
  static String devName(String user) {
    String safe = user.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    return "cotoami-dev-" + (safe.isEmpty() ? "someone" : safe);
  }

  /**
   * Hazelcast binds to an interface address, so a host name is resolved here, once, before
   * anything runs (a container's hostname resolves to its own address).
   */
  private static String address(String variable, String value) {
    if (IP_LITERAL.matcher(value).matches()) {
      return value;
    }
    try {
      return InetAddress.getByName(value).getHostAddress();
    } catch (UnknownHostException e) {
      throw new ConfigException("Invalid " + variable + "='" + value + "': expected an address or a host name that resolves");
    }
  }

  /**
   * A loopback cluster with its own name, for tests that must not meet any other cluster on the
   * machine. Its ports start at a base derived from the name, so that test clusters running at
   * the same time (several builds on one machine) do not crowd the same port range.
   */
  public static ClusterConfig loopback(String name) {
    int base = 10_000 + Math.floorMod(name.hashCode(), 20_000);
    return new ClusterConfig(name, Discovery.TCP, "127.0.0.1", "127.0.0.1", base, 20,
        List.of("127.0.0.1"), null, 0);
  }

  public String describe() {
    return discovery.name().toLowerCase(Locale.ROOT) + " cluster '" + name + "' on " + host + ":" + port;
  }
}
