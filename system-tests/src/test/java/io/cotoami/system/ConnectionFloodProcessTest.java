package io.cotoami.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cotoami.common.config.PgConfig;
import io.cotoami.common.runtime.ServiceInstance;
import io.cotoami.coto.CotoServiceConfig;
import io.cotoami.coto.CotoServiceMain;
import io.cotoami.gateway.GatewayMain;
import io.cotoami.infra.FreePorts;
import io.cotoami.infra.PostgresServer;
import io.cotoami.infra.RedisServer;
import io.cotoami.infra.TestConfigs;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A gateway process with 1,024 file descriptors, as in a small container, against more
 * connections than that from one address, and against slowloris: it keeps answering everyone else.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class ConnectionFloodProcessTest {
  private static final String CLUSTER = TestConfigs.newClusterName();
  private static final int FD_LIMIT = 1024;
  private static final long HEADER_TIMEOUT_MS = 3000;
  private static PostgresServer postgres;
  private static RedisServer redis;
  private static ServiceInstance coto;
  private static ServiceProcess gateway;
  private static int port;
  private static int managementPort;

  @BeforeAll
  static void start() throws Exception {
    postgres = PostgresServer.startTemporary();
    redis = RedisServer.startTemporary();
    PgConfig pg = postgres.ensureDatabase("cotoami", "cotoami", "secret");
    port = FreePorts.next();
    managementPort = FreePorts.next();
    Map<String, String> env = new HashMap<>();
    env.put("HTTP_PORT", String.valueOf(port));
    env.put("MANAGEMENT_PORT", String.valueOf(managementPort));
    env.put("HTTP_HEADER_TIMEOUT", HEADER_TIMEOUT_MS + "ms");
    // As deployed: the debug routes are off (tests turn them on by default), so /debug is the management port's only.
    env.put("DEBUG_ROUTES", "false");
    gateway = ServiceProcess.startWithFdLimit(GatewayMain.class, CLUSTER, env, FD_LIMIT);
    coto = Http.await(CotoServiceMain.start(CotoServiceConfig.fromEnv(TestConfigs.of(CLUSTER,
        TestConfigs.stores(pg, redis)))));
    try (Http http = new Http(port)) {
      http.until("/api/cotos", r -> r.statusCode() == 200, 120);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (gateway != null) {
      gateway.close();
    }
    if (coto != null) {
      Http.shutdown(coto);
    }
    if (redis != null) {
      redis.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  @DisplayName("With more connections open from one address than the gateway has file descriptors, another client's /health/live and API calls are each answered within 100 ms, and nothing runs out")
  void floodFromOneAddress() throws Exception {
    assertEquals(String.valueOf(FD_LIMIT), Files.readAllLines(Path.of("/proc", String.valueOf(gateway.pid()), "limits"))
        .stream().filter(l -> l.startsWith("Max open files")).findFirst().orElseThrow().split("\\s+")[3],
        "the gateway runs with the low limit");
    warmUp();
    List<Socket> flood = new ArrayList<>();
    try {
      for (int i = 0; i < FD_LIMIT + 200; i++) {
        try {
          flood.add(connect("127.0.0.2", port));
        } catch (IOException refused) {
          // the backlog may be full for a moment: refused is fine too
        }
      }
      assertFast("127.0.0.3", managementPort, "/health/live", 200);
      assertFast("127.0.0.3", port, "/api/cotos", 200);
      assertTrue(gateway.process().isAlive(), "the gateway is alive");
    } finally {
      for (Socket socket : flood) {
        socket.close();
      }
    }
    String log = String.join("\n", gateway.stdoutLines()) + String.join("\n", Files.readAllLines(gateway.stderr()));
    assertTrue(!log.contains("Too many open files"), "the gateway never ran out of file descriptors");
  }

  @Test
  @DisplayName("Slowloris connections, dripping a header line a second, are closed within the header timeout")
  void slowloris() throws Exception {
    List<Socket> slow = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      Socket socket = connect("127.0.0.4", port);
      socket.getOutputStream().write("GET /api/cotos HTTP/1.1\r\nHost: localhost\r\n".getBytes(StandardCharsets.US_ASCII));
      slow.add(socket);
    }
    long start = System.nanoTime();
    long lastDrip = start;
    try {
      // Looks every 100 ms whether the gateway closed them; drips a header line a second.
      while (!slow.stream().allMatch(Socket::isClosed) && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(15)) {
        boolean dripNow = System.nanoTime() - lastDrip >= TimeUnit.SECONDS.toNanos(1);
        for (Socket socket : slow) {
          if (!socket.isClosed() && !drip(socket, dripNow)) {
            socket.close();
          }
        }
        if (dripNow) {
          lastDrip = System.nanoTime();
        }
        Thread.sleep(100);
      }
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(slow.stream().allMatch(Socket::isClosed), "every slowloris connection was closed");
      assertTrue(tookMs < HEADER_TIMEOUT_MS + 2000, "closed after " + tookMs + " ms");
      assertFast("127.0.0.3", port, "/api/cotos", 200);
    } finally {
      for (Socket socket : slow) {
        socket.close();
      }
    }
  }

  private static void warmUp() throws IOException {
    for (int i = 0; i < 20; i++) {
      get("127.0.0.3", port, "/api/cotos");
      get("127.0.0.3", managementPort, "/health/live");
    }
  }

  /** Ten calls, each answered with {@code status} within 100 ms. */
  private static void assertFast(String from, int port, String path, int status) throws IOException {
    long[] tookMs = new long[10];
    for (int i = 0; i < tookMs.length; i++) {
      long start = System.nanoTime();
      String answer = get(from, port, path);
      tookMs[i] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(answer.startsWith("HTTP/1.1 " + status), path + ": " + answer);
    }
    assertTrue(java.util.Arrays.stream(tookMs).allMatch(ms -> ms < 100),
        path + " answered in " + java.util.Arrays.toString(tookMs) + " ms");
  }

  @Test
  @DisplayName("The gateway process answers 404 for health, metrics and debug on its public port and serves them on its management port; HTTP/2 cleartext by prior knowledge is refused on both")
  void managementPortAndNoH2c() throws Exception {
    for (String path : List.of("/health/ready", "/metrics", "/debug", "/api/cotos/../../debug")) {
      String answer = get("127.0.0.3", port, path);
      assertTrue(answer.startsWith("HTTP/1.1 404"), path + " on the public port: " + answer.lines().findFirst().orElse(""));
      assertTrue(!answer.contains("jvm_") && !answer.contains("\"pid\""), path + " leaked management data");
    }
    // (Ready it is not: no auth-service runs here, so its revocations are unknown. Live it is.)
    for (String path : List.of("/health/live", "/metrics", "/debug")) {
      String answer = get("127.0.0.3", managementPort, path);
      assertTrue(answer.startsWith("HTTP/1.1 200"), path + " on the management port: " + answer.lines().findFirst().orElse(""));
    }
    for (int each : new int[] {port, managementPort}) {
      try (Socket socket = connect("127.0.0.3", each)) {
        socket.setSoTimeout(2000);
        OutputStream out = socket.getOutputStream();
        out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        // An empty SETTINGS frame, as an h2c client sends after the preface.
        out.write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0});
        out.flush();
        byte[] answer = socket.getInputStream().readNBytes(12);
        // Read as an HTTP/1 request line and refused in HTTP/1 framing (a text status line, Vert.x
        // says 501), or closed: never the binary SETTINGS frame an HTTP/2 server answers first.
        assertTrue(answer.length == 0 || new String(answer, StandardCharsets.ISO_8859_1).matches("HTTP/\\d\\.\\d [45]\\d\\d.*"),
            "refused in HTTP/1 framing or closed on " + each + ": " + java.util.HexFormat.of().formatHex(answer));
      }
    }
  }

  /** One request on a fresh connection; the answer up to its end (the server closes the connection). */
  private static String get(String from, int port, String path) throws IOException {
    try (Socket socket = connect(from, port)) {
      socket.setSoTimeout(2000);
      OutputStream out = socket.getOutputStream();
      out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  /** Sends one more header line (if {@code write}); false once the server has closed the connection. */
  private static boolean drip(Socket socket, boolean write) {
    try {
      socket.setSoTimeout(1);
      try {
        if (socket.getInputStream().read() == -1) {
          return false;
        }
      } catch (SocketTimeoutException stillOpen) {
        // nothing to read: still open
      }
      if (write) {
        socket.getOutputStream().write("X-Slow: a\r\n".getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static Socket connect(String from, int port) throws IOException {
    Socket socket = new Socket();
    socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
    socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
    return socket;
  }
}
