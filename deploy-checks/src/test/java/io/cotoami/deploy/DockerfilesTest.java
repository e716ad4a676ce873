package io.cotoami.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@DisplayName("The services' Dockerfiles")
class DockerfilesTest {
  private static final Pattern MAVEN_IMAGE = Pattern.compile("ARG MAVEN_IMAGE=maven:3\\.9\\.\\d+-eclipse-temurin-17");
  private static final Pattern RUNTIME_IMAGE =
      Pattern.compile("ARG RUNTIME_IMAGE=eclipse-temurin:17\\.0\\.\\d+_\\d+-jre(-[a-z]+)?");

  /** Logical lines: continuations joined, comments dropped. */
  private static List<String> instructions(Services service) {
    List<String> lines = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String raw : Repo.read(service.id + "/Dockerfile").split("\n")) {
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

  @ParameterizedTest(name = "{0}")
  @EnumSource(Services.class)
  @DisplayName("build with Maven and run on a JRE, both pinned by exact version")
  void pinnedImages(Services service) {
    List<String> lines = instructions(service);
    assertTrue(lines.stream().anyMatch(l -> MAVEN_IMAGE.matcher(l).matches()), service + ": Maven image pinned");
    assertTrue(lines.stream().anyMatch(l -> RUNTIME_IMAGE.matcher(l).matches()), service + ": JRE image pinned");
    for (String from : starting(lines, "FROM")) {
      String image = from.split(" ")[1];
      assertTrue(image.startsWith("${") || image.equals("runtime-base"), service + ": " + from + " is not from a pinned ARG");
    }
    assertTrue(lines.stream().noneMatch(l -> l.contains(":latest")), service + ": no latest tag");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Services.class)
  @DisplayName("resolve dependencies from every module's pom.xml before copying any source")
  void dependencyLayerFirst(Services service) {
    List<String> lines = instructions(service);
    String modules = Repo.read("pom.xml").replaceAll("(?s)<!--.*?-->", "");
    Matcher module = Pattern.compile("<module>([^<]+)</module>").matcher(modules);
    while (module.find()) {
      String copy = "COPY " + module.group(1) + "/pom.xml " + module.group(1) + "/";
      assertTrue(lines.contains(copy), service + ": Maven reads every module of the reactor, missing: " + copy);
    }
    int offline = indexOf(lines, "RUN mvn -B -q -Dmaven.repo.local=/build/.m2 -pl " + service.id + " -am dependency:go-offline");
    int firstSource = indexOf(lines, "COPY common/src common/src");
    int pkg = indexOf(lines, "RUN mvn -B -q -Dmaven.repo.local=/build/.m2 -pl " + service.id + " -am -DskipTests package");
    assertTrue(offline < firstSource && firstSource < pkg, service + ": dependencies, then sources, then package");
    assertTrue(lines.contains("COPY " + service.id + "/src " + service.id + "/src"), service + ": copies its sources");
  }

  private static int indexOf(List<String> lines, String line) {
    int i = lines.indexOf(line);
    assertTrue(i >= 0, "missing: " + line);
    return i;
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Services.class)
  @DisplayName("run as uid 10001 with container-aware JVM flags, a health check, OCI labels and the service's ports")
  void runtime(Services service) {
    List<String> lines = instructions(service);
    assertEquals(List.of("USER 10001:10001"), starting(lines, "USER"), service + ": non-root user");
    String entrypoint = starting(lines, "ENTRYPOINT").get(0);
    assertTrue(entrypoint.contains("\"-XX:MaxRAMPercentage=75\"") && entrypoint.contains("\"-XX:+ExitOnOutOfMemoryError\""),
        service + ": container-aware JVM flags");
    assertTrue(entrypoint.contains("\"/app/" + service.id + ".jar\""), service + ": runs its own jar");
    assertTrue(entrypoint.startsWith("ENTRYPOINT [\"java\""), service + ": exec form, the JVM is PID 1");
    String healthcheck = starting(lines, "HEALTHCHECK").get(0);
    assertTrue(healthcheck.contains("\"HealthCheck\"") && healthcheck.contains("\"/health/ready\""), service + ": HEALTHCHECK");
    assertTrue(lines.contains("COPY --from=healthcheck /opt/healthcheck /opt/healthcheck"), service + ": health check class copied");
    List<String> expose = starting(lines, "EXPOSE");
    assertEquals(List.of("EXPOSE " + service.httpPort + " 5701 5702"), expose, service + ": HTTP, Hazelcast and event-bus ports");
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("ENV HTTP_PORT=" + service.httpPort + " ")),
        service + ": HTTP_PORT for the health check");
    String labels = String.join(" ", starting(lines, "LABEL"));
    for (String label : List.of("title", "description", "source", "version", "revision", "created")) {
      assertTrue(labels.contains("org.opencontainers.image." + label + "="), service + ": OCI label " + label);
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Services.class)
  @DisplayName("ship either the jar they build or, with --target prebuilt, the jar the tests tested")
  void twoWaysToGetTheJar(Services service) {
    List<String> lines = instructions(service);
    int prebuilt = indexOf(lines, "FROM runtime-base AS prebuilt");
    int runtime = indexOf(lines, "FROM runtime-base AS runtime");
    assertEquals("COPY " + service.id + "/target/" + service.id + ".jar /app/" + service.id + ".jar", lines.get(prebuilt + 1),
        service + ": prebuilt copies the tested jar");
    assertEquals("COPY --from=build /build/" + service.id + "/target/" + service.id + ".jar /app/" + service.id + ".jar",
        lines.get(runtime + 1), service + ": the default stage copies the jar it built");
    assertEquals(runtime + 1, lines.size() - 1, service + ": the default (last) stage is runtime");
    String ignore = Repo.read(".dockerignore");
    assertTrue(ignore.lines().anyMatch(l -> l.equals("!" + service.id + "/target/" + service.id + ".jar")),
        service + ": .dockerignore lets the tested jar into the context");
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
