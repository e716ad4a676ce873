package io.cotoami.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cotoami.gateway.GatewayMain;
import io.cotoami.coto.CotoServiceMain;
import io.cotoami.infra.FreePorts;
import io.cotoami.infra.RedisServer;
import io.cotoami.infra.SessionKeyPair;
import io.cotoami.infra.SmtpServer;
import io.cotoami.infra.TestConfigs;
import io.cotoami.mail.MailServiceMain;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Services as real processes: how they fail to start, and how they stop on SIGTERM. */
class ServiceProcessTest {

  @Test
  @DisplayName("A port already taken ends the process with a non-zero status and one clear line saying where")
  void portTaken() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      Result result = run(GatewayMain.class, Map.of("HTTP_PORT", String.valueOf(taken.getLocalPort())));
      assertNotEquals(0, result.status);
      assertEquals(1, result.stderrLines.size(), result.stderrLines.toString());
      String line = result.stderrLines.get(0);
      assertTrue(line.startsWith("gateway: failed to start: cannot listen on 127.0.0.1:" + taken.getLocalPort()), line);
      assertTrue(line.toLowerCase().contains("address already in use"), line);
    }
  }

  @Test
  @DisplayName("PostgreSQL unreachable at start ends the process with a non-zero status and one clear line saying where")
  void postgresUnreachable() throws Exception {
    int nobody = FreePorts.next();
    Map<String, String> env = new HashMap<>(SessionKeyPair.generate().env());
    env.put("PGHOST", "127.0.0.1");
    env.put("PGPORT", String.valueOf(nobody));
    Result result = run(CotoServiceMain.class, env);
    assertNotEquals(0, result.status);
    assertEquals(1, result.stderrLines.size(), result.stderrLines.toString());
    String line = result.stderrLines.get(0);
    assertTrue(line.startsWith("coto-service: failed to start: PostgreSQL unreachable"), line);
    assertTrue(line.contains("127.0.0.1:" + nobody), line);
  }

  @Test
  @DisplayName("A malformed configuration value ends the process with status 2 and names the variable")
  void badConfig() throws Exception {
    Result result = run(GatewayMain.class, Map.of("SHUTDOWN_GRACE_PERIOD", "forever"));
    assertEquals(2, result.status);
    assertEquals(List.of("gateway: configuration error: Invalid SHUTDOWN_GRACE_PERIOD='forever': "
        + "expected a duration such as 500ms, 30s, 5m or 30d"), result.stderrLines);
  }

  @Test
  @DisplayName("On SIGTERM an instance turns unready, finishes the request in flight, leaves the cluster and exits 0")
  void gracefulShutdown() throws Exception {
    try (RedisServer redis = RedisServer.startTemporary(); SmtpServer smtp = SmtpServer.start(0)) {
      int port = FreePorts.next();
      Map<String, String> env = mailService(redis, smtp, port);
      env.put("SHUTDOWN_GRACE_PERIOD", "10s");
      try (ServiceProcess service = start(MailServiceMain.class, env); Http http = new Http(port)) {
        Process process = service.process();
        http.until("/health/ready", r -> r.statusCode() == 200, 90);
        Future<HttpResponse<Buffer>> inFlight = http.start(http.client().get("/debug?delay=2000")
            .putHeader("X-Request-Id", "trace-me-1"), null);
        http.until("/metrics", r -> r.bodyAsString().lines().anyMatch(l ->
            l.startsWith("vertx_http_server_active_requests") && !l.endsWith(" 0.0") && !l.endsWith(" 1.0")), 10);

        process.destroy();
        http.until("/health/ready", r -> r.statusCode() == 503, 10);
        HttpResponse<Buffer> finished = Http.await(inFlight);
        assertEquals(200, finished.statusCode(), "the request in flight completes");
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "exits within the grace period");
        assertEquals(0, process.exitValue());
        String log = Files.readString(service.stdout(), StandardCharsets.UTF_8);
        assertTrue(log.contains("Draining"), "announces draining");
        assertTrue(log.contains("Stopped and left the cluster"), "leaves the cluster");
        assertTrue(log.lines().anyMatch(line -> line.startsWith("{") && line.contains("\"service\":\"mail-service\"")
            && line.contains("\"requestId\":\"trace-me-1\"") && line.contains("GET /debug 200")),
            "a JSON access log line carries the service and the caller's request id");
      }
    }
  }

  @Test
  @DisplayName("The root log level changes at run time on the management port, and a bad level is refused with a problem")
  void logLevelAtRunTime() throws Exception {
    try (RedisServer redis = RedisServer.startTemporary(); SmtpServer smtp = SmtpServer.start(0)) {
      int port = FreePorts.next();
      try (ServiceProcess service = start(MailServiceMain.class, mailService(redis, smtp, port)); Http http = new Http(port)) {
        http.until("/health/ready", r -> r.statusCode() == 200, 90);
        assertEquals("INFO", http.get("/log-level").bodyAsJsonObject().getString("level"));
        HttpResponse<Buffer> bad = http.send(http.client().put("/log-level").putHeader("Content-Type", "application/json"),
            Buffer.buffer("{\"level\":\"loud\"}"));
        assertEquals(400, bad.statusCode());
        assertEquals("application/problem+json", bad.getHeader("Content-Type"));
        assertTrue(bad.bodyAsJsonObject().getString("detail").contains("TRACE, DEBUG, INFO, WARN, ERROR"), bad.bodyAsString());
        assertEquals(415, http.send(http.client().put("/log-level").putHeader("Content-Type", "text/plain"),
            Buffer.buffer("WARN")).statusCode());
        assertEquals("INFO", http.get("/log-level").bodyAsJsonObject().getString("level"), "unchanged by the refusals");

        access(http, "before-warn");
        service.awaitLog(l -> l.contains("\"requestId\":\"before-warn\""), 10);
        HttpResponse<Buffer> warn = http.send(http.client().put("/log-level").putHeader("Content-Type", "application/json"),
            Buffer.buffer("{\"level\":\"warn\"}"));
        assertEquals(200, warn.statusCode(), warn.bodyAsString());
        assertEquals("WARN", warn.bodyAsJsonObject().getString("level"));
        access(http, "during-warn");
        http.send(http.client().put("/log-level").putHeader("Content-Type", "application/json"),
            Buffer.buffer("{\"level\":\"INFO\"}"));
        access(http, "back-to-info");
        // Lines are written in order: once the last access line is out, the one at WARN would be too.
        service.awaitLog(l -> l.contains("\"requestId\":\"back-to-info\""), 10);
        String log = Files.readString(service.stdout(), StandardCharsets.UTF_8);
        assertTrue(log.lines().noneMatch(l -> l.contains("\"requestId\":\"during-warn\"")), "no access line at WARN");
        assertTrue(log.contains("Log level changed from INFO to WARN through the management port"), "the change is logged");
      }
    }
  }

  /** A mail-service on these stores, its management port {@code managementPort}. */
  private static Map<String, String> mailService(RedisServer redis, SmtpServer smtp, int managementPort) {
    Map<String, String> env = new HashMap<>();
    env.put("HTTP_PORT", String.valueOf(FreePorts.next()));
    env.put("MANAGEMENT_PORT", String.valueOf(managementPort));
    env.put("REDIS_URL", redis.config().url());
    env.put("SMTP_HOST", "127.0.0.1");
    env.put("SMTP_PORT", String.valueOf(smtp.port()));
    return env;
  }

  private static void access(Http http, String requestId) throws Exception {
    assertEquals(200, http.send(http.client().get("/debug").putHeader("X-Request-Id", requestId)).statusCode());
  }

  private record Result(int status, List<String> stderrLines) {
  }

  private static Result run(Class<?> main, Map<String, String> extra) throws Exception {
    ServiceProcess process = start(main, extra);
    assertTrue(process.process().waitFor(120, TimeUnit.SECONDS), "the process ends by itself");
    List<String> stderr = new ArrayList<>(Files.readAllLines(process.stderr(), StandardCharsets.UTF_8));
    stderr.removeIf(String::isBlank);
    return new Result(process.process().exitValue(), stderr);
  }

  private static ServiceProcess start(Class<?> main, Map<String, String> extra) throws IOException {
    return ServiceProcess.start(main, TestConfigs.newClusterName(), extra);
  }
}
