package io.cotoami.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Runs docker/healthcheck/HealthCheck.java, the images' HEALTHCHECK, against a local server. */
@DisplayName("The image health check")
class HealthCheckTest {

  private static int run(int port) throws IOException, InterruptedException {
    return run(Map.of("MANAGEMENT_PORT", String.valueOf(port)));
  }

  private static int run(Map<String, String> env) throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder builder = new ProcessBuilder(java.toString(), "-Xmx32m",
        Repo.path("docker/healthcheck/HealthCheck.java").toString(), "/health/ready");
    builder.environment().keySet().removeAll(List.of("JAVA_TOOL_OPTIONS", "HTTP_PORT", "HTTP_HOST", "MANAGEMENT_HOST"));
    builder.environment().putAll(env);
    builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    Process process = builder.start();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the health check finished");
    return process.exitValue();
  }

  private static HttpServer server(int status) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/health/ready", exchange -> {
      exchange.sendResponseHeaders(status, -1);
      exchange.close();
    });
    server.createContext("/", exchange -> {
      exchange.sendResponseHeaders(404, -1);
      exchange.close();
    });
    server.start();
    return server;
  }

  @Test
  @DisplayName("exits 0 when /health/ready answers 200")
  void ready() throws Exception {
    HttpServer server = server(200);
    try {
      assertEquals(0, run(server.getAddress().getPort()));
    } finally {
      server.stop(0);
    }
  }

  @Test
  @DisplayName("exits 1 when /health/ready answers 503")
  void notReady() throws Exception {
    HttpServer server = server(503);
    try {
      assertEquals(1, run(server.getAddress().getPort()));
    } finally {
      server.stop(0);
    }
  }

  @Test
  @DisplayName("asks the management port, not HTTP_PORT (health is no longer on the public port)")
  void asksTheManagementPort() throws Exception {
    HttpServer server = server(200);
    int unused;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      unused = socket.getLocalPort();
    }
    try {
      assertEquals(1, run(Map.of("HTTP_PORT", String.valueOf(server.getAddress().getPort()),
          "MANAGEMENT_PORT", String.valueOf(unused))));
      assertEquals(0, run(Map.of("HTTP_HOST", "0.0.0.0", "MANAGEMENT_HOST", "127.0.0.1",
          "MANAGEMENT_PORT", String.valueOf(server.getAddress().getPort()))), "MANAGEMENT_HOST is asked when set");
    } finally {
      server.stop(0);
    }
  }

  @Test
  @DisplayName("exits 1 when nothing listens on MANAGEMENT_PORT")
  void nothingListening() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    assertEquals(1, run(port));
  }
}
