package io.cotoami.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker-compose.yml as the compose tools read it, where they are installed: `docker compose
 * config` (v2), `docker-compose config` (1.29) and podman-compose 1.0.x, which has no `config`
 * command, so its `--dry-run up` (every podman command it would run, none run). Each tool reads a
 * copy beside stand-in secret files, so the check needs no keys. A missing tool skips its check.
 */
@DisplayName("docker-compose.yml under the compose tools")
class ComposeToolsTest {
  @TempDir
  Path dir;

  private Path project() throws Exception {
    Files.copy(Repo.path("docker-compose.yml"), dir.resolve("docker-compose.yml"));
    Files.createDirectories(dir.resolve("secrets"));
    Files.writeString(dir.resolve("secrets/jwt-private.pem"), "stand-in");
    Files.writeString(dir.resolve("secrets/jwt-public.pem"), "stand-in");
    Files.createDirectories(dir.resolve("docker"));
    Files.copy(Repo.path(DockerfilesTest.FILE), dir.resolve(DockerfilesTest.FILE));
    return dir;
  }

  private static boolean onPath(String program) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(d, program))) {
        return true;
      }
    }
    return false;
  }

  private static String run(Path dir, List<String> command) throws Exception {
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), String.join(" ", command) + " finished");
    assertEquals(0, process.exitValue(), String.join(" ", command) + ":\n" + output);
    return output;
  }

  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  @DisplayName("podman-compose 1.0.x would start every container hardened, with no fixed address, ports on 127.0.0.1")
  void podmanCompose() throws Exception {
    Assumptions.assumeTrue(onPath("podman-compose"), "podman-compose is not installed (apt-get install podman-compose)");
    String output = run(project(), List.of("podman-compose", "--dry-run", "-f", "docker-compose.yml", "up", "-d"));
    List<String> runs = new ArrayList<>(output.lines().filter(l -> l.startsWith("podman run ")).toList());
    int containers = Yaml.map(Yaml.document(Repo.read("docker-compose.yml")).get("services"), "services").size();
    assertEquals(containers, runs.size(), "one podman run per container:\n" + output);
    for (String line : runs) {
      assertTrue(line.contains("--read-only") && line.contains("--cap-drop ALL") && line.contains("--security-opt no-new-privileges:true"),
          "hardened: " + line);
      assertTrue(!line.contains("--ip "), "a fixed address: " + line);
      assertTrue(!line.contains(" -p ") || line.matches(".* -p 127\\.0\\.0\\.1:\\d+:\\d+ .*"), "published beyond loopback: " + line);
    }
  }

  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  @DisplayName("docker-compose 1.29 and docker compose v2 accept it")
  void dockerCompose() throws Exception {
    boolean v1 = onPath("docker-compose");
    boolean v2 = onPath("docker") && new ProcessBuilder("docker", "compose", "version").start().waitFor() == 0;
    Assumptions.assumeTrue(v1 || v2, "neither docker-compose nor the docker compose plugin is installed");
    Path project = project();
    if (v1) {
      run(project, List.of("docker-compose", "-f", "docker-compose.yml", "config", "-q"));
    }
    if (v2) {
      run(project, List.of("docker", "compose", "-f", "docker-compose.yml", "config", "-q"));
    }
  }
}
