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
        if (s == Services.COTO_SERVICE) {
          assertTrue(deps.contains("redis-anon"), name + " waits for the anonymous Redis");
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
  @DisplayName("gives no container a fixed address: each member binds to its own hostname and finds the others by name")
  void clusterByName() {
    assertFalse(compose.containsKey("name"), "no top-level name: docker-compose 1.29 rejects it");
    assertFalse(Repo.read("docker-compose.yml").contains("ipv4_address"), "no fixed address: podman-compose 1.0.x fails on it");
    List<String> names = new ArrayList<>();
    for (Services s : Services.values()) {
      instances(s).forEach((name, service) -> {
        Map<String, String> env = environment(name, service);
        for (String variable : List.of("CLUSTER_HOST", "CLUSTER_PUBLIC_HOST", "ANNOUNCE_HOST")) {
          assertEquals(name, env.get(variable), name + " " + variable + " is its own hostname");
        }
        names.add(name);
      });
    }
    for (Services s : Services.values()) {
      instances(s).forEach((name, service) -> {
        List<String> members = List.of(environment(name, service).get("CLUSTER_MEMBERS").split("\\s*,\\s*"));
        assertEquals(new TreeSet<>(names), new TreeSet<>(members), name + " CLUSTER_MEMBERS");
        assertFalse(environment(name, service).get("CLUSTER_NAME").equals("cotoami"), name + ": not the old shared default cluster name");
      });
    }
  }

  @Test
  @DisplayName("publishes only the gateway (8080) and the mail UI (8025), on 127.0.0.1, with the debug routes off")
  void ports() {
    assertEquals(List.of("127.0.0.1:${COTOAMI_GATEWAY_PORT:-8080}:8080"), Yaml.map(services.get("gateway"), "gateway").get("ports"),
        "gateway ports");
    assertEquals(List.of("127.0.0.1:${COTOAMI_MAIL_UI_PORT:-8025}:8025"), Yaml.map(services.get("mailpit"), "mailpit").get("ports"),
        "mailpit ports");
    services.forEach((name, value) -> {
      Map<String, Object> service = Yaml.map(value, name);
      if (!name.equals("gateway") && !name.equals("mailpit")) {
        assertFalse(service.containsKey("ports"), name + " publishes a port");
      }
    });
    Map<String, String> gateway = environment("gateway", Yaml.map(services.get("gateway"), "gateway"));
    assertEquals("http://localhost:${COTOAMI_GATEWAY_PORT:-8080}", gateway.get("PUBLIC_URL"), "PUBLIC_URL follows the published port");
    assertEquals(gateway.get("PUBLIC_URL"), gateway.get("ALLOWED_ORIGINS"));
    assertEquals("false", gateway.get("DEBUG_ROUTES"), "the debug routes are off");
    assertEquals("false", gateway.get("DEV_MODE"), "dev mode is off");
  }

  @Test
  @DisplayName("runs every container read-only, with no capability and no privilege escalation, a tmpfs where it writes")
  void hardened() {
    services.forEach((name, value) -> {
      Map<String, Object> service = Yaml.map(value, name);
      assertEquals(Boolean.TRUE, service.get("read_only"), name + " read_only");
      assertEquals(List.of("ALL"), service.get("cap_drop"), name + " cap_drop");
      assertTrue(Yaml.list(service.get("security_opt"), name + " security_opt").contains("no-new-privileges:true"),
          name + " no-new-privileges");
      assertFalse(service.containsKey("privileged"), name + " privileged");
    });
    for (String name : List.of("gateway", "coto-service-1", "coto-service-2", "auth-service", "mail-service", "postgres", "mailpit")) {
      assertTrue(Yaml.list(Yaml.map(services.get(name), name).get("tmpfs"), name + " tmpfs").contains("/tmp"), name + " has a tmpfs /tmp");
    }
    assertTrue(Yaml.list(Yaml.map(services.get("postgres"), "postgres").get("volumes"), "postgres volumes").contains("pgrun:/run/postgresql"),
        "PostgreSQL writes its socket and lock file on a volume that starts as its own directory (Podman mounts a tmpfs 755 root)");
    for (String name : List.of("postgres", "redis", "redis-anon", "mailpit")) {
      assertTrue(String.valueOf(Yaml.map(services.get(name), name).get("user")).matches("[1-9]\\d*:[1-9]\\d*"),
          name + " runs as a numeric non-root user (without capabilities its entrypoint cannot switch)");
    }
  }

  @Test
  @DisplayName("runs two coto-service instances, each service built from the one Dockerfile with its SERVICE and HTTP_PORT")
  void builds() {
    assertEquals(2, instances(Services.COTO_SERVICE).size(), "coto-service instances");
    for (Services s : Services.values()) {
      instances(s).forEach((name, service) -> {
        assertEquals(".", Yaml.at(service, "build", "context"), name + " builds from the repository root");
        String dockerfile = String.valueOf(Yaml.at(service, "build", "dockerfile"));
        assertEquals(DockerfilesTest.FILE, dockerfile, name + " dockerfile");
        assertTrue(Files.isRegularFile(Repo.path(dockerfile)), dockerfile + " exists");
        assertEquals(s.id, Yaml.at(service, "build", "args", "SERVICE"), name + " SERVICE");
        assertEquals(String.valueOf(s.httpPort), String.valueOf(Yaml.at(service, "build", "args", "HTTP_PORT")), name + " HTTP_PORT");
        KubernetesManifestsTest.assertPinned(name, String.valueOf(service.get("image")));
      });
    }
  }

  @Test
  @DisplayName("pins PostgreSQL 17, Redis 7 and Mailpit by exact version and keeps their data in named volumes")
  void infrastructure() {
    Map<String, Object> postgres = Yaml.map(services.get("postgres"), "postgres");
    assertTrue(String.valueOf(postgres.get("image")).matches("postgres:17\\.\\d+(-[a-z0-9.]+)?"), "postgres image " + postgres.get("image"));
    for (String name : List.of("redis", "redis-anon")) {
      Map<String, Object> redis = Yaml.map(services.get(name), name);
      assertTrue(String.valueOf(redis.get("image")).matches("redis:7\\.\\d+\\.\\d+(-[a-z0-9.]+)?"), name + " image " + redis.get("image"));
      String command = String.join(" ", Yaml.list(redis.get("command"), name + " command").stream().map(String::valueOf).toList());
      assertTrue(command.contains("--appendonly yes"), name + " keeps an append-only file");
      assertTrue(command.matches(".*--maxmemory \\d+mb.*") && command.contains("--maxmemory-policy noeviction"),
          name + " is bounded and refuses writes when full rather than dropping data: " + command);
    }
    for (Map.Entry<String, Map<String, Object>> coto : instances(Services.COTO_SERVICE).entrySet()) {
      Map<String, String> env = environment(coto.getKey(), coto.getValue());
      assertEquals("redis://redis-anon:6379", env.get("ANON_REDIS_URL"), coto.getKey() + ": anonymous data in its own Redis");
      assertEquals("redis://redis:6379", env.get("REDIS_URL"), coto.getKey() + ": the rest in the main one");
    }
    Map<String, Object> mailpit = Yaml.map(services.get("mailpit"), "mailpit");
    assertTrue(String.valueOf(mailpit.get("image")).matches("axllent/mailpit:v\\d+\\.\\d+\\.\\d+"), "mailpit image " + mailpit.get("image"));
    Set<String> volumes = Yaml.map(compose.get("volumes"), "volumes").keySet();
    for (String name : List.of("postgres", "redis", "redis-anon")) {
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
