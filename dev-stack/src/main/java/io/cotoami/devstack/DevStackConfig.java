package io.cotoami.devstack;

import io.cotoami.common.config.ConfigException;
import io.cotoami.common.config.Env;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code ./cotoami up} runs and where, from {@code COTOAMI_*} variables and {@code --scale}.
 *
 * @param home      the project checkout (service jars are under {@code <module>/target/})
 * @param dataDir   PostgreSQL and Redis data, kept across restarts
 * @param scale     instances per service
 * @param javaOptions the services' JVM options: the images' flags, then {@code COTOAMI_JAVA_OPTS}
 * @param bind      interface of the gateway's public port ({@code COTOAMI_BIND}, loopback by default);
 *                  every other port of the dev stack is on loopback always
 */
public record DevStackConfig(Path home, Path dataDir, int gatewayPort, int postgresPort, int redisPort, int anonRedisPort,
                             int smtpPort,
                             int mailUiPort, int clusterPort, String clusterName, List<String> javaOptions,
                             String logFormat, Map<String, Integer> scale, String bind) {
  public static final List<String> SERVICES = List.of("coto-service", "auth-service", "mail-service", "gateway");

  public static DevStackConfig from(Env env, List<String> args) {
    Path home = Path.of(env.string("COTOAMI_HOME", ".")).toAbsolutePath().normalize();
    Map<String, Integer> scale = new LinkedHashMap<>();
    SERVICES.forEach(service -> scale.put(service, 1));
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("--scale") && i + 1 < args.size()) {
        parseScale(args.get(++i), scale);
      } else if (arg.startsWith("--scale=")) {
        parseScale(arg.substring("--scale=".length()), scale);
      } else {
        throw new ConfigException("Unknown argument '" + arg + "'. Usage: ./cotoami up [--scale <service>=<n>]...");
      }
    }
    DevStackConfig config = new DevStackConfig(
        home,
        home.resolve(env.string("COTOAMI_DATA_DIR", ".cotoami")).normalize(),
        env.port("COTOAMI_PORT", 8080),
        env.port("COTOAMI_PG_PORT", 15432),
        env.port("COTOAMI_REDIS_PORT", 16379),
        env.port("COTOAMI_ANON_REDIS_PORT", 16380),
        env.port("COTOAMI_SMTP_PORT", 2525),
        env.port("COTOAMI_MAIL_PORT", 8025),
        env.port("COTOAMI_CLUSTER_PORT", 5701),
        env.string("COTOAMI_CLUSTER_NAME", "cotoami-dev"),
        JvmOptions.of(home, env.string("COTOAMI_JAVA_OPTS", "")),
        env.string("COTOAMI_LOG_FORMAT", "text"),
        scale,
        env.string("COTOAMI_BIND", "127.0.0.1"));
    config.requireDistinctPorts();
    return config;
  }

  /** The ports the launcher binds, by the variable that sets each. */
  public Map<String, Integer> ports() {
    Map<String, Integer> ports = new LinkedHashMap<>();
    ports.put("COTOAMI_PORT", gatewayPort);
    ports.put("COTOAMI_PG_PORT", postgresPort);
    ports.put("COTOAMI_REDIS_PORT", redisPort);
    ports.put("COTOAMI_ANON_REDIS_PORT", anonRedisPort);
    ports.put("COTOAMI_SMTP_PORT", smtpPort);
    ports.put("COTOAMI_MAIL_PORT", mailUiPort);
    ports.put("COTOAMI_CLUSTER_PORT", clusterPort);
    return ports;
  }

  /** Two servers told the same port would fail one after the other started; say so before either starts. */
  private void requireDistinctPorts() {
    Map<Integer, String> byPort = new LinkedHashMap<>();
    for (Map.Entry<String, Integer> entry : ports().entrySet()) {
      String other = byPort.putIfAbsent(entry.getValue(), entry.getKey());
      if (other != null) {
        throw new ConfigException(entry.getKey() + " and " + other + " are both " + entry.getValue()
            + ": every server of the dev stack needs a port of its own");
      }
    }
  }

  private static void parseScale(String spec, Map<String, Integer> scale) {
    String[] parts = spec.split("=", 2);
    if (parts.length != 2 || !SERVICES.contains(parts[0])) {
      throw new ConfigException("Invalid --scale '" + spec + "': expected <service>=<n> with a service among "
          + String.join(", ", SERVICES));
    }
    int count;
    try {
      count = Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      count = -1;
    }
    if (count < 1 || count > 8) {
      throw new ConfigException("Invalid --scale '" + spec + "': the count must be from 1 to 8");
    }
    if (parts[0].equals("gateway") && count > 1) {
      throw new ConfigException("Invalid --scale '" + spec + "': locally there is one gateway, on COTOAMI_PORT");
    }
    scale.put(parts[0], count);
  }

  /** Whether the gateway stays on loopback (the default); {@code COTOAMI_BIND=0.0.0.0} opens it to the LAN. */
  public boolean loopbackOnly() {
    return bind.equals("127.0.0.1") || bind.equals("localhost") || bind.equals("::1");
  }

  /** What the launcher prints when the gateway is open to the network: {@code /dev/mail} shows every sign-in link. */
  public java.util.Optional<String> lanWarning() {
    return loopbackOnly() ? java.util.Optional.empty() : java.util.Optional.of("WARNING: COTOAMI_BIND=" + bind
        + ": the gateway is open to your network, and with it /dev/mail, where anyone who reaches it can read "
        + "every sign-in link. Use only on a network you trust.");
  }

  public Path jar(String service) {
    return home.resolve(service).resolve("target").resolve(service + ".jar");
  }
}
