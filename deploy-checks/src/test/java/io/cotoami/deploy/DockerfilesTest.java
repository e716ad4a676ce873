package io.cotoami.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@DisplayName("The one Dockerfile (docker/Dockerfile, ARG SERVICE)")
class DockerfilesTest {
  static final String FILE = "docker/Dockerfile";
  private static final Pattern MAVEN_IMAGE = Pattern.compile("ARG MAVEN_IMAGE=maven:3\\.9\\.\\d+-eclipse-temurin-17");
  private static final Pattern RUNTIME_IMAGE =
      Pattern.compile("ARG RUNTIME_IMAGE=eclipse-temurin:17\\.0\\.\\d+_\\d+-jre(-[a-z]+)?");

  /** Logical lines: continuations joined, comments dropped. */
  private static List<String> instructions() {
    List<String> lines = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String raw : Repo.read(FILE).split("\n")) {
      String line = raw.strip();
      if (line.startsWith("#") || line.isEmpty() && current.length() == 0) {
        continue;
      }
      if (line.endsWith("\\")) {
        current.append(line, 0, line.length() - 1).append(' ');
        continue;
      }
      current.append(line);
      lines.add(current.toString().replaceAll("\\s+", " ").strip());
      current.setLength(0);
    }
    return lines;
  }

  private static List<String> starting(List<String> lines, String keyword) {
    return lines.stream().filter(l -> l.startsWith(keyword + " ")).toList();
  }

  private static int indexOf(List<String> lines, String line) {
    int i = lines.indexOf(line);
    assertTrue(i >= 0, "missing: " + line);
    return i;
  }

  @Test
  @DisplayName("replaces the four per-service Dockerfiles, and everything that builds an image uses it")
  void oneDockerfile() {
    for (Services s : Services.values()) {
      assertFalse(Files.exists(Repo.path(s.id + "/Dockerfile")), s.id + "/Dockerfile is back");
    }
    assertTrue(Repo.read("scripts/podman-images.sh").contains(FILE), "podman-images.sh builds from " + FILE);
    assertTrue(Repo.read("scripts/try-containers.sh").contains("docker-compose.yml"), "try-containers.sh runs the compose file");
  }

  @Test
  @DisplayName("build with Maven and run on a JRE, both pinned by exact version")
  void pinnedImages() {
    List<String> lines = instructions();
    assertTrue(lines.stream().anyMatch(l -> MAVEN_IMAGE.matcher(l).matches()), "Maven image pinned");
    assertTrue(lines.stream().anyMatch(l -> RUNTIME_IMAGE.matcher(l).matches()), "JRE image pinned");
    for (String from : starting(lines, "FROM")) {
      String image = from.split(" ")[1];
      assertTrue(image.startsWith("${") || image.equals("runtime-base"), from + " is not from a pinned ARG");
    }
    assertTrue(lines.stream().noneMatch(l -> l.contains(":latest")), "no latest tag");
  }

  @Test
  @DisplayName("resolve dependencies from every module's pom.xml before copying any source, for the service SERVICE names")
  void dependencyLayerFirst() {
    List<String> lines = instructions();
    String modules = Repo.read("pom.xml").replaceAll("(?s)<!--.*?-->", "");
    Matcher module = Pattern.compile("<module>([^<]+)</module>").matcher(modules);
    while (module.find()) {
      String copy = "COPY " + module.group(1) + "/pom.xml " + module.group(1) + "/";
      assertTrue(lines.contains(copy), "Maven reads every module of the reactor, missing: " + copy);
    }
    int offline = indexOf(lines, "RUN mvn -B -q -Dmaven.repo.local=/build/.m2 -pl ${SERVICE} -am dependency:go-offline");
    int firstSource = indexOf(lines, "COPY common/src common/src");
    int pkg = indexOf(lines, "RUN mvn -B -q -Dmaven.repo.local=/build/.m2 -pl ${SERVICE} -am -DskipTests package");
    assertTrue(offline < firstSource && firstSource < pkg, "dependencies, then sources, then package");
    assertTrue(lines.contains("COPY ${SERVICE}/src ${SERVICE}/src"), "copies the service's sources");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Services.class)
  @DisplayName("accept exactly each service with its HTTP port, and fail the build on any other pair")
  void serviceArguments(Services service) {
    String check = starting(instructions(), "RUN").stream().filter(l -> l.contains("case \"${SERVICE}:${HTTP_PORT}\""))
        .findFirst().orElseThrow(() -> new AssertionError("no check of SERVICE and HTTP_PORT"));
    assertTrue(check.contains(service.id + ":" + service.httpPort + "|") || check.contains(service.id + ":" + service.httpPort + ")"),
        service + " is accepted with " + service.httpPort);
    assertTrue(check.contains("exit 1"), "any other pair fails the build");
    assertEquals(Services.values().length, check.split(":\\d{4}").length - 1, "one pair per service");
  }

  @Test
  @DisplayName("run as uid 10001 with container-aware JVM flags, a health check on the management port, OCI labels and the ports")
  void runtime() {
    List<String> lines = instructions();
    assertEquals(List.of("USER 10001:10001"), starting(lines, "USER"), "non-root user");
    String entrypoint = starting(lines, "ENTRYPOINT").get(0);
    assertTrue(lines.contains("COPY docker/jvm.options /app/jvm.options"), "the shared JVM flags are copied");
    assertTrue(entrypoint.contains("\"@/app/jvm.options\""), "the JVM reads the shared flags");
    List<String> flags = JvmOptionsFile.flags("docker/jvm.options");
    assertTrue(flags.contains("-XX:MaxRAMPercentage=75") && flags.contains("-XX:+ExitOnOutOfMemoryError"),
        "container-aware JVM flags: " + flags);
    assertTrue(entrypoint.contains("\"/app/service.jar\""), "runs the jar the stages copy");
    assertTrue(entrypoint.startsWith("ENTRYPOINT [\"java\""), "exec form, the JVM is PID 1");
    String healthcheck = starting(lines, "HEALTHCHECK").get(0);
    assertTrue(healthcheck.contains("\"HealthCheck\"") && healthcheck.contains("\"/health/ready\""), "HEALTHCHECK");
    assertTrue(lines.contains("COPY --from=healthcheck /opt/healthcheck /opt/healthcheck"), "health check class copied");
    assertEquals(List.of("EXPOSE ${HTTP_PORT} " + Services.MANAGEMENT_PORT + " 5701 5702"), starting(lines, "EXPOSE"),
        "HTTP, management, Hazelcast and event-bus ports");
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("ENV HTTP_PORT=${HTTP_PORT} MANAGEMENT_PORT=" + Services.MANAGEMENT_PORT + " ")),
        "HTTP_PORT and MANAGEMENT_PORT (the health check's) are set");
    String labels = String.join(" ", starting(lines, "LABEL"));
    for (String label : List.of("title", "description", "source", "version", "revision", "created")) {
      assertTrue(labels.contains("org.opencontainers.image." + label + "="), "OCI label " + label);
    }
    assertTrue(labels.contains("org.opencontainers.image.title=\"cotoami-${SERVICE}\""), "the title names the service");
  }

  @Test
  @DisplayName("ship either the jar they build or, with --target prebuilt, the jar the tests tested")
  void twoWaysToGetTheJar() {
    List<String> lines = instructions();
    int prebuilt = indexOf(lines, "FROM runtime-base AS prebuilt");
    int runtime = indexOf(lines, "FROM runtime-base AS runtime");
    assertEquals("ARG SERVICE", lines.get(prebuilt + 1), "each stage declares the ARG it uses");
    assertEquals("COPY ${SERVICE}/target/${SERVICE}.jar /app/service.jar", lines.get(prebuilt + 2), "prebuilt copies the tested jar");
    assertEquals("COPY --from=build /build/${SERVICE}/target/${SERVICE}.jar /app/service.jar", lines.get(runtime + 2),
        "the default stage copies the jar it built");
    assertEquals(runtime + 2, lines.size() - 1, "the default (last) stage is runtime");
    String ignore = Repo.read(".dockerignore");
    for (Services service : Services.values()) {
      assertTrue(ignore.lines().anyMatch(l -> l.equals("!" + service.id + "/target/" + service.id + ".jar")),
          service + ": .dockerignore lets the tested jar into the context");
    }
  }

  @Test
  @DisplayName(".dockerignore keeps build output, git, local state, node_modules and secrets out of the context")
  void dockerignore() {
    List<String> lines = Repo.read(".dockerignore").lines().map(String::strip).toList();
    for (String pattern : List.of(".git", ".cotoami", "**/node_modules", "secrets", "**/target")) {
      assertTrue(lines.contains(pattern), ".dockerignore lacks " + pattern);
    }
    assertFalse(lines.stream().anyMatch(l -> l.startsWith("!secrets")), "nothing of secrets/ is let back in");
  }
}
