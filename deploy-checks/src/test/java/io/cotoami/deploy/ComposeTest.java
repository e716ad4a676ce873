package io.cotoami.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("docker-compose.yml")
class ComposeTest {
  private static Map<String, Object> compose;
  private static Map<String, Object> services;

  @BeforeAll
  static void load() {
    compose = Yaml.document(Repo.read("docker-compose.yml"));
    services = Yaml.map(compose.get("services"), "services");
  }

  /** The compose entries that run a given service (coto-service runs twice). */
  private static Map<String, Map<String, Object>> instances(Services service) {
    Map<String, Map<String, Object>> found = new LinkedHashMap<>();
    services.forEach((name, value) -> {
      if (name.equals(service.id) || name.matches(Pattern.quote(service.id) + "-\\d+")) {
        found.put(name, Yaml.map(value, name));
      }
    });
    return found;
  }

  private static Map<String, String> environment(String name, Map<String, Object> service) {
    Map<String, String> env = new LinkedHashMap<>();
    Yaml.map(service.get("environment"), name + " environment").forEach((k, v) -> env.put(k, String.valueOf(v)));
    return env;
  }

  @Test
  @DisplayName("gives every container a healthcheck")
  void healthchecks() {
    services.forEach((name, value) -> {
      Object test = Yaml.at(Yaml.map(value, name), "healthcheck", "test");
      assertNotNull(test, name + " has no healthcheck");
      assertFalse(Yaml.list(test, name + " healthcheck test").isEmpty(), name + " healthcheck is empty");
    });
  }

  @Test
  @DisplayName("starts a container only after what it depends on is healthy")
  void dependsOnHealthy() {
    services.forEach((name, value) -> {
      Object dependsOn = Yaml.map(value, name).get("depends_on");
      if (dependsOn == null) {
        return;
      }
      Yaml.map(dependsOn, name + " depends_on").forEach((dependency, spec) -> {
        assertTrue(services.containsKey(dependency), name + " depends on unknown " + dependency);
        assertEquals("service_healthy", Yaml.at(Yaml.map(spec, name + " -> " + dependency), "condition"),
            name + " waits for " + dependency + " to be healthy");
      });
    });
    for (Services s : Services.values()) {
      instances(s).forEach((name, service) -> {
        Set<String> deps = Yaml.map(service.getOrDefault("depends_on", Map.of()), name).keySet();
        if (s.ownsTables) {
          assertTrue(deps.containsAll(List.of("postgres", "redis")), name + " waits for PostgreSQL and Redis");
        }
        if (s.sendsMail) {
          assertTrue(deps.containsAll(List.of("redis", "mailpit")), name + " waits for Redis and the mail catcher");
        }
      });
    }
  }

  @Test
  @DisplayName("sets every environment variable each service reads")
  void environment() {
    for (Services s : Services.values()) {
      Map<String, Map<String, Object>> found = instances(s);
      assertFalse(found.isEmpty(), "no container runs " + s);
      found.forEach((name, service) -> {
        Map<String, String> env = environment(name, service);
        Set<String> missing = new TreeSet<>(s.requiredEnv(Services.Platform.COMPOSE));
        missing.removeAll(env.keySet());
        assertTrue(missing.isEmpty(), name + " does not set " + missing);
        assertEquals("tcp", env.get("CLUSTER_DISCOVERY"), name + " CLUSTER_DISCOVERY");
        assertEquals(String.valueOf(s.httpPort), env.get("HTTP_PORT"), name + " HTTP_PORT");
        assertEquals("5702", env.get("EVENTBUS_PORT"), name + " uses a fixed event-bus port");
        assertEquals(name, service.get("hostname"), name + " has a hostname: the default INSTANCE_ID starts with it");
      });
    }
  }

  @Test
  @DisplayName("gives each service instance a fixed address that is its CLUSTER_HOST and is in everyone's CLUSTER_MEMBERS")
  void clusterAddresses() {
    Map<String, Object> ipam = Yaml.map(Yaml.list(Yaml.at(compose, "networks", "cotoami", "ipam", "config"), "ipam").get(0), "ipam");
    String subnet = String.valueOf(ipam.get("subnet"));
    String dynamicRange = String.valueOf(ipam.get("ip_range"));
    List<String> addresses = new ArrayList<>();
    for (Services s : Services.values()) {
      instances(s).forEach((name, service) -> {
        String address = String.valueOf(Yaml.at(service, "networks", "cotoami", "ipv4_address"));
        assertTrue(inSubnet(address, subnet), name + " address " + address + " outside " + subnet);
        assertFalse(inSubnet(address, dynamicRange), name + " address " + address + " inside the dynamic ip_range " + dynamicRange);
        Map<String, String> env = environment(name, service);
        assertEquals(address, env.get("CLUSTER_HOST"), name + " CLUSTER_HOST");
        assertEquals(address, env.get("CLUSTER_PUBLIC_HOST"), name + " CLUSTER_PUBLIC_HOST");
        assertEquals(address, env.get("ANNOUNCE_HOST"), name + " ANNOUNCE_HOST");
        addresses.add(address);
      });
    }
    assertEquals(addresses.size(), new TreeSet<>(addresses).size(), "addresses are unique: " + addresses);
    for (Services s : Services.values()) {
      instances(s).forEach((name, service) -> {
        List<String> members = List.of(environment(name, service).get("CLUSTER_MEMBERS").split("\\s*,\\s*"));
        assertTrue(members.containsAll(addresses), name + " CLUSTER_MEMBERS " + members + " misses some of " + addresses);
      });
    }
  }

  private static boolean inSubnet(String address, String cidr) {
    String[] parts = cidr.split("/");
    int bits = Integer.parseInt(parts[1]);
    long mask = bits == 0 ? 0 : 0xFFFFFFFFL << (32 - bits) & 0xFFFFFFFFL;
    return (ipv4(address) & mask) == (ipv4(parts[0]) & mask);
  }

  private static long ipv4(String address) {
    long value = 0;
    for (String octet : address.split("\\.")) {
      value = value << 8 | Integer.parseInt(octet);
    }
    return value;
  }

  @Test
  @DisplayName("publishes the gateway on 8080 and the mail UI on 8025, and no other service's port")
  void ports() {
    assertEquals(List.of("8080:8080"), Yaml.map(services.get("gateway"), "gateway").get("ports"), "gateway ports");
    List<Object> mailpit = Yaml.list(Yaml.map(services.get("mailpit"), "mailpit").get("ports"), "mailpit ports");
    assertTrue(mailpit.contains("8025:8025"), "the mail UI is on 8025");
    for (Services s : Services.values()) {
      if (s != Services.GATEWAY) {
        instances(s).forEach((name, service) -> assertFalse(service.containsKey("ports"), name + " publishes a port"));
      }
    }
  }

  @Test
  @DisplayName("runs two coto-service instances, built from the services' own Dockerfiles")
  void builds() {
    assertEquals(2, instances(Services.COTO_SERVICE).size(), "coto-service instances");
    for (Services s : Services.values()) {
      instances(s).forEach((name, service) -> {
        assertEquals(".", Yaml.at(service, "build", "context"), name + " builds from the repository root");
        String dockerfile = String.valueOf(Yaml.at(service, "build", "dockerfile"));
        assertEquals(s.id + "/Dockerfile", dockerfile, name + " dockerfile");
        assertTrue(Files.isRegularFile(Repo.path(dockerfile)), dockerfile + " exists");
        KubernetesManifestsTest.assertPinned(name, String.valueOf(service.get("image")));
      });
    }
  }

  @Test
  @DisplayName("pins PostgreSQL 17, Redis 7 and Mailpit by exact version and keeps their data in named volumes")
  void infrastructure() {
    Map<String, Object> postgres = Yaml.map(services.get("postgres"), "postgres");
    assertTrue(String.valueOf(postgres.get("image")).matches("postgres:17\\.\\d+(-[a-z0-9.]+)?"), "postgres image " + postgres.get("image"));
    Map<String, Object> redis = Yaml.map(services.get("redis"), "redis");
    assertTrue(String.valueOf(redis.get("image")).matches("redis:7\\.\\d+\\.\\d+(-[a-z0-9.]+)?"), "redis image " + redis.get("image"));
    assertTrue(String.join(" ", Yaml.list(redis.get("command"), "redis command").stream().map(String::valueOf).toList())
        .contains("--appendonly yes"), "Redis keeps an append-only file");
    Map<String, Object> mailpit = Yaml.map(services.get("mailpit"), "mailpit");
    assertTrue(String.valueOf(mailpit.get("image")).matches("axllent/mailpit:v\\d+\\.\\d+\\.\\d+"), "mailpit image " + mailpit.get("image"));
    Set<String> volumes = Yaml.map(compose.get("volumes"), "volumes").keySet();
    for (String name : List.of("postgres", "redis")) {
      String mount = String.valueOf(Yaml.list(Yaml.map(services.get(name), name).get("volumes"), name + " volumes").get(0));
      assertTrue(volumes.contains(mount.substring(0, mount.indexOf(':'))), name + " data is on a named volume: " + mount);
    }
  }

  @Test
  @DisplayName("mounts the JWT keys from git-ignored files under secrets/ where the services look for them")
  void secrets() {
    Map<String, Object> declared = Yaml.map(compose.get("secrets"), "secrets");
    declared.forEach((name, spec) -> {
      String file = String.valueOf(Yaml.at(Yaml.map(spec, name), "file"));
      assertTrue(file.startsWith("./secrets/"), name + " comes from secrets/: " + file);
    });
    assertTrue(Repo.read(".gitignore").lines().anyMatch(l -> l.trim().equals("/secrets/")), "secrets/ is git-ignored");
    Pattern keyFile = Pattern.compile("/run/secrets/(.+)");
    services.forEach((name, value) -> {
      Map<String, Object> service = Yaml.map(value, name);
      if (!service.containsKey("environment")) {
        return;
      }
      Set<String> targets = new TreeSet<>();
      for (Object s : Yaml.list(service.getOrDefault("secrets", List.of()), name + " secrets")) {
        Map<String, Object> ref = Yaml.map(s, name + " secret");
        assertTrue(declared.containsKey(String.valueOf(ref.get("source"))), name + " uses undeclared secret " + ref.get("source"));
        targets.add(String.valueOf(ref.get("target")));
      }
      environment(name, service).forEach((key, path) -> {
        Matcher matcher = keyFile.matcher(path);
        if (key.endsWith("_FILE") && matcher.matches()) {
          assertTrue(targets.contains(matcher.group(1)), name + " " + key + "=" + path + " is not mounted");
        }
      });
    });
  }

  @Test
  @DisplayName("gives each service longer to stop than its drain and leaving the cluster take")
  void stopGracePeriod() {
    for (Services s : Services.values()) {
      instances(s).forEach((name, service) -> {
        Duration grace = Renderings.duration(String.valueOf(service.get("stop_grace_period")));
        Duration drain = Renderings.duration(environment(name, service).get("SHUTDOWN_GRACE_PERIOD"));
        assertTrue(grace.compareTo(drain.plusSeconds(10)) > 0,
            name + " stop_grace_period " + grace + " must exceed SHUTDOWN_GRACE_PERIOD + 10 s");
      });
    }
  }
}
