package io.cotoami.devstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cotoami.infra.FreePorts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Runs the real launcher jar as {@code ./cotoami up} does, far enough to use the system, then stops it. */
class DevStackIT {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  @DisplayName("The launcher starts PostgreSQL, Redis, the mail inbox and four service processes, all ready, and Ctrl-C stops everything")
  void upAndDown() throws Exception {
    Path data = Files.createTempDirectory("cotoami-devstack-");
    int gateway = freePort();
    int mailUi = freePort();
    ProcessBuilder builder = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-jar", System.getProperty("cotoami.launcher"), "up")
        .redirectErrorStream(true)
        .redirectOutput(data.resolve("launcher.log").toFile());
    builder.environment().put("COTOAMI_HOME", System.getProperty("cotoami.home"));
    builder.environment().put("COTOAMI_DATA_DIR", data.toString());
    builder.environment().put("COTOAMI_PORT", String.valueOf(gateway));
    builder.environment().put("COTOAMI_PG_PORT", String.valueOf(freePort()));
    builder.environment().put("COTOAMI_REDIS_PORT", String.valueOf(freePort()));
    builder.environment().put("COTOAMI_ANON_REDIS_PORT", String.valueOf(freePort()));
    builder.environment().put("COTOAMI_SMTP_PORT", String.valueOf(freePort()));
    builder.environment().put("COTOAMI_MAIL_PORT", String.valueOf(mailUi));
    builder.environment().put("COTOAMI_CLUSTER_NAME", "devstack-it-" + UUID.randomUUID());
    Files.createDirectories(data);
    Process launcher = builder.start();
    Output output = new Output(data.resolve("launcher.log"));
    try {
      assertTrue(awaitLine(launcher, output, "Cotoami is up at http://localhost:" + gateway, Duration.ofMinutes(4)),
          "the launcher says it is up; output:\n" + output);
      for (String service : List.of("coto-service", "auth-service", "mail-service", "gateway")) {
        assertTrue(output.stream().anyMatch(l -> l.contains("| " + service + " is ready on port")), service + " ready");
      }
      assertTrue(output.stream().anyMatch(l -> l.contains("Mail inbox at http://localhost:" + mailUi)));
      List<ProcessHandle> children = launcher.descendants().filter(p -> p.info().command().orElse("").contains("java"))
          .toList();
      assertEquals(4, children.size(), "four service JVMs");

      String ready = output.stream().filter(l -> l.contains("| gateway is ready on port")).findFirst().orElseThrow();
      java.util.regex.Matcher management = java.util.regex.Pattern.compile("management on 127\\.0\\.0\\.1:(\\d+)")
          .matcher(ready);
      assertTrue(management.find(), ready);
      assertEquals(200, get("http://127.0.0.1:" + management.group(1) + "/health/ready").statusCode());
      assertEquals(404, get("http://127.0.0.1:" + gateway + "/health/ready").statusCode(), "not on the public port");
      assertFalse(output.stream().anyMatch(l -> l.contains("WARNING: COTOAMI_BIND")), "no LAN warning by default");
      for (InetAddress lan : lanAddresses()) {
        try (java.net.Socket socket = new java.net.Socket()) {
          socket.connect(new java.net.InetSocketAddress(lan, gateway), 1000);
          throw new AssertionError("the gateway answers on " + lan + ": the dev stack must stay on loopback");
        } catch (IOException expected) {
          // Refused: only loopback is bound.
        }
      }
      HttpResponse<String> posted = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway + "/api/cotos"))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"content\":\"from the launcher test\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(201, posted.statusCode(), posted.body());
      assertEquals(200, get("http://127.0.0.1:" + mailUi + "/mail.json").statusCode());

      launcher.destroy();
      assertTrue(launcher.waitFor(90, TimeUnit.SECONDS), "the launcher exits");
      for (ProcessHandle child : children) {
        assertFalse(child.isAlive(), "service process " + child.pid() + " is gone");
      }
      for (String service : List.of("coto-service", "auth-service", "mail-service", "gateway")) {
        assertTrue(output.stream().anyMatch(l -> l.contains("| " + service + " stopped (status 0)")),
            service + " drained and exited 0; output:\n" + output);
      }
      assertTrue(output.stream().anyMatch(l -> l.contains("Stopped; nothing left running.")));
      assertTrue(Files.isDirectory(data.resolve("postgres")), "PostgreSQL data is kept for the next run");
    } finally {
      launcher.descendants().forEach(ProcessHandle::destroyForcibly);
      launcher.destroyForcibly();
    }
  }

  /** The launcher's output, read from its log file each time it is looked at. */
  private record Output(Path file) {
    java.util.stream.Stream<String> stream() {
      try {
        return Files.readAllLines(file, StandardCharsets.UTF_8).stream();
      } catch (IOException e) {
        return java.util.stream.Stream.empty();
      }
    }

    @Override
    public String toString() {
      return String.join("\n", stream().toList());
    }
  }

  /** Whether the launcher printed the line in time; false at once when it has exited without it. */
  private static boolean awaitLine(Process launcher, Output output, String text, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (output.stream().anyMatch(l -> l.contains(text))) {
        return true;
      }
      if (!launcher.isAlive()) {
        return output.stream().anyMatch(l -> l.contains(text));
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
    return false;
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  /** This machine's addresses other than loopback: where the LAN would reach it. */
  private static List<InetAddress> lanAddresses() throws IOException {
    return java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces()).stream()
        .flatMap(n -> java.util.Collections.list(n.getInetAddresses()).stream())
        .filter(a -> !a.isLoopbackAddress() && !a.isLinkLocalAddress()).toList();
  }

  private static int freePort() {
    return FreePorts.next();
  }
}
