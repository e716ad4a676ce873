package io.cotoami.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cotoami.common.runtime.ServiceInstance;
import io.cotoami.infra.TestConfigs;
import io.netty.util.Version;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
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
 * The gateway's edge against hostile clients, on a real gateway with short deadlines and a small
 * per-client cap: what the public and the management ports answer, h2c, slow and many
 * connections, and the live socket's handshake, message size and pings.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EdgeTest {
  private static final int PER_CLIENT = 8;
  private static final long HEADER_TIMEOUT_MS = 3000;
  private static final long BODY_TIMEOUT_MS = 3000;
  private static final long PING_MS = 300;
  private static final int MAX_CONNECTIONS = 40;
  private static final long IDLE_TIMEOUT_MS = 1000;
  private static ServiceInstance gateway;
  /** A second gateway whose idle timeout is far shorter than its header timeout and its pings. */
  private static ServiceInstance quiet;
  private static Vertx clients;

  @BeforeAll
  static void start() throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("DEBUG_ROUTES", "false");
    env.put("BUS_TIMEOUT", "500ms");
    env.put("HTTP_HEADER_TIMEOUT", HEADER_TIMEOUT_MS + "ms");
    env.put("HTTP_BODY_TIMEOUT", BODY_TIMEOUT_MS + "ms");
    env.put("HTTP_MAX_CONNECTIONS_PER_CLIENT", String.valueOf(PER_CLIENT));
    env.put("WS_PING_INTERVAL", PING_MS + "ms");
    env.put("HTTP_MAX_CONNECTIONS", String.valueOf(MAX_CONNECTIONS));
    Map<String, String> quietEnv = new HashMap<>();
    quietEnv.put("HTTP_IDLE_TIMEOUT", IDLE_TIMEOUT_MS + "ms");
    quietEnv.put("HTTP_HEADER_TIMEOUT", "30s");
    quietEnv.put("WS_PING_INTERVAL", "60s");
    List<ServiceInstance> both = io.vertx.core.Future.all(
        GatewayMain.start(GatewayConfig.fromEnv(TestConfigs.of(TestConfigs.newClusterName(), env))),
        GatewayMain.start(GatewayConfig.fromEnv(TestConfigs.of(TestConfigs.newClusterName(), quietEnv))))
        .await(90, TimeUnit.SECONDS).list();
    gateway = both.get(0);
    quiet = both.get(1);
    clients = Vertx.vertx();
    // The first requests load classes: not what the timings below are about.
    for (int i = 0; i < 5; i++) {
      exchange(gateway.httpPort(), "GET /api/nothing HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      socket().close().await(10, TimeUnit.SECONDS);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (clients != null) {
      clients.close().await(10, TimeUnit.SECONDS);
    }
    if (gateway != null) {
      gateway.shutdown().await(30, TimeUnit.SECONDS);
    }
    if (quiet != null) {
      quiet.shutdown().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  @DisplayName("Netty on the class path is 4.2.18.Final or later in every module, not the 4.2.9.Final Vert.x 5.0.7 brings")
  void nettyVersion() {
    Map<String, Version> modules = Version.identify();
    assertTrue(modules.containsKey("netty-codec-http"), modules.keySet().toString());
    modules.forEach((module, version) -> assertTrue(atLeast(version.artifactVersion(), 4, 2, 18),
        module + " is " + version.artifactVersion()));
  }

  @Test
  @DisplayName("HTTP/2 cleartext is refused, by prior knowledge and by Upgrade, on the public and the management ports")
  void noH2c() throws Exception {
    for (int port : new int[] {gateway.httpPort(), gateway.managementPort()}) {
      String preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
      // An empty SETTINGS frame: what an h2c client sends after the preface.
      byte[] settings = {0, 0, 0, 4, 0, 0, 0, 0, 0};
      String answer = exchange(port, preface.getBytes(StandardCharsets.US_ASCII), settings);
      assertFalse(isHttp2Settings(answer), "no HTTP/2 SETTINGS frame in answer on " + port);
      // Read as an HTTP/1 request line and refused in HTTP/1 framing (Vert.x says 501), or closed.
      assertTrue(answer.isEmpty() || answer.matches("(?s)HTTP/\\d\\.\\d [45]\\d\\d .*"), "refused on " + port + ": " + answer);

      String upgrade = exchange(port, ("GET /health/live HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade, HTTP2-Settings\r\n"
          + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      assertFalse(upgrade.startsWith("HTTP/1.1 101"), "no switch to h2c on " + port + ": " + upgrade);
    }
  }

  @Test
  @DisplayName("The public port answers 404 for health, metrics and debug, also through dot segments; the management port answers them")
  void managementOnItsOwnPort() throws Exception {
    for (String path : List.of("/health/live", "/health/ready", "/metrics", "/debug", "/api/cotos/../../debug",
        "/api/cotos/%2e%2e/%2e%2e/debug", "/api/cotos/..%2f..%2fdebug", "/api/../metrics", "/api/debug/coto-service",
        "/api/instances")) {
      String answer = exchange(gateway.httpPort(), ("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      // An encoded slash is not a separator: that path stays under /api/cotos and goes to coto-service
      // (none runs here: 503). Every other form is a management route, and 404 on this port.
      String expected = path.contains("%2f") ? "HTTP/1.1 503" : "HTTP/1.1 404";
      assertTrue(answer.startsWith(expected), path + " on the public port: " + firstLine(answer));
      assertFalse(answer.contains("\"pid\"") || answer.contains("jvm_") || answer.contains("\"UP\""),
          path + " leaked management data: " + answer);
    }
    for (String path : List.of("/health/live", "/metrics", "/debug")) {
      String answer = exchange(gateway.managementPort(), ("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n"
          + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      assertTrue(answer.startsWith("HTTP/1.1 200"), path + " on the management port: " + firstLine(answer));
    }
    String delayed = exchange(gateway.managementPort(), ("GET /debug?delay=30000 HTTP/1.1\r\nHost: localhost\r\n"
        + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    assertTrue(delayed.startsWith("HTTP/1.1 400"), "delay is capped at a few seconds: " + firstLine(delayed));
  }

  @Test
  @DisplayName("A slowloris connection that drips its headers is closed within the header timeout, and one that drips its body within the body timeout")
  void slowloris() throws Exception {
    try (Socket headers = connect("127.0.0.4"); Socket body = connect("127.0.0.4")) {
      long start = System.nanoTime();
      OutputStream out = headers.getOutputStream();
      out.write("GET / HTTP/1.1\r\nHost: localhost\r\n".getBytes(StandardCharsets.US_ASCII));
      body.getOutputStream().write(("POST /api/cotos HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
          + "Content-Length: 1000\r\n\r\n{\"content\":").getBytes(StandardCharsets.US_ASCII));
      boolean headersClosed = false;
      boolean bodyClosed = false;
      long headersAt = 0;
      long bodyAt = 0;
      while ((!headersClosed || !bodyClosed) && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10)) {
        if (!headersClosed && !drip(headers, "X-Slow: a\r\n")) {
          headersClosed = true;
          headersAt = System.nanoTime();
        }
        if (!bodyClosed && !drip(body, "a")) {
          bodyClosed = true;
          bodyAt = System.nanoTime();
        }
        Thread.sleep(100);
      }
      assertTrue(headersClosed, "the header dripper was closed");
      assertTrue(bodyClosed, "the body dripper was closed");
      assertTrue(TimeUnit.NANOSECONDS.toMillis(headersAt - start) < HEADER_TIMEOUT_MS + 1500,
          "headers closed after " + TimeUnit.NANOSECONDS.toMillis(headersAt - start) + " ms");
      assertTrue(TimeUnit.NANOSECONDS.toMillis(bodyAt - start) < BODY_TIMEOUT_MS + 1500,
          "body closed after " + TimeUnit.NANOSECONDS.toMillis(bodyAt - start) + " ms");
    }
  }

  @Test
  @DisplayName("Connections over the per-client cap are closed at once, and another client is still answered within 100 ms")
  void perClientCap() throws Exception {
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < PER_CLIENT; i++) {
        held.add(connect("127.0.0.2"));
      }
      awaitOpen(PER_CLIENT);
      for (int i = 0; i < 20; i++) {
        try (Socket over = connect("127.0.0.2")) {
          over.setSoTimeout(2000);
          assertEquals(-1, over.getInputStream().read(), "connection " + (PER_CLIENT + i + 1) + " is closed at once");
        }
      }
      for (Socket socket : held) {
        socket.setSoTimeout(50);
        try {
          assertNotEquals(-1, socket.getInputStream().read(), "the first connections stay open");
        } catch (SocketTimeoutException expected) {
          // still open, nothing to read
        }
      }
      // The median of a few, so that one stall of a busy test machine is not taken for the gateway's.
      long[] tookMs = new long[5];
      for (int i = 0; i < tookMs.length; i++) {
        long start = System.nanoTime();
        String answer = exchange("127.0.0.3", gateway.httpPort(),
            "GET /api/nothing HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        tookMs[i] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(answer.startsWith("HTTP/1.1 404"), firstLine(answer));
      }
      java.util.Arrays.sort(tookMs);
      assertTrue(tookMs[tookMs.length / 2] < 100, "another client answered in " + java.util.Arrays.toString(tookMs) + " ms");
    } finally {
      for (Socket socket : held) {
        socket.close();
      }
    }
  }

  @Test
  @DisplayName("Past the global connection cap, from addresses each under the per-client cap, a new connection is closed at once and counted; the management port still answers; one closed makes room")
  void globalCap() throws Exception {
    awaitOpen(gateway, n -> n == 0);
    // Live sockets: past their handshake only the cap holds them to account (no header timeout), and
    // the client answers the pings, so they stay open however slow the machine is.
    List<WebSocket> held = new ArrayList<>();
    try {
      for (int client = 0; client < MAX_CONNECTIONS / PER_CLIENT; client++) {
        for (int i = 0; i < PER_CLIENT; i++) {
          held.add(socket("127.0.1." + (client + 1)));
        }
      }
      awaitOpen(gateway, n -> n == MAX_CONNECTIONS);
      for (String from : List.of("127.0.2.1", "127.0.2.2", "127.0.2.3")) {
        try (Socket over = connect(from)) {
          over.setSoTimeout(2000);
          assertEquals(-1, readOrReset(over), "a connection from " + from + " past the global cap is closed at once");
        }
      }
      assertEquals(MAX_CONNECTIONS, gateway.publicConnections());
      assertTrue(held.stream().noneMatch(WebSocket::isClosed), "the connections within the cap stay open");
      String metrics = exchange(gateway.managementPort(), ("GET /metrics HTTP/1.1\r\nHost: localhost\r\n"
          + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      assertTrue(metrics.startsWith("HTTP/1.1 200"), firstLine(metrics));
      java.util.regex.Matcher refused = java.util.regex.Pattern.compile(
          "cotoami_http_connections_refused_total\\{[^}]*reason=\"global-cap\"[^}]*server=\"public\"[^}]*} (\\S+)")
          .matcher(metrics);
      assertTrue(refused.find() && Double.parseDouble(refused.group(1)) >= 3, "refusals counted");

      held.remove(0).close().await(10, TimeUnit.SECONDS);
      awaitOpen(gateway, n -> n < MAX_CONNECTIONS);
      String answer = exchange("127.0.2.1", gateway.httpPort(),
          "GET /api/nothing HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertTrue(answer.startsWith("HTTP/1.1 404"), "room again: " + firstLine(answer));
    } finally {
      for (WebSocket ws : held) {
        ws.close();
      }
    }
  }

  @Test
  @DisplayName("A connection that sends nothing, one kept alive after its answer, and a silent live socket are closed after the idle timeout, long before the header timeout or a ping")
  void idleTimeout() throws Exception {
    try (Socket silent = connect("127.0.0.6", quiet.httpPort()); Socket keptAlive = connect("127.0.0.6", quiet.httpPort())) {
      long start = System.nanoTime();
      keptAlive.getOutputStream().write("GET /api/nothing HTTP/1.1\r\nHost: localhost\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      keptAlive.setSoTimeout(5000);
      assertTrue(readHead(keptAlive.getInputStream()).startsWith("HTTP/1.1 404"));
      WebSocket live = clients.createWebSocketClient().connect(new WebSocketConnectOptions().setHost("127.0.0.1")
          .setPort(quiet.httpPort()).setURI("/api/ws").addHeader("Origin", "http://localhost:8080"))
          .await(10, TimeUnit.SECONDS);
      Promise<Long> liveClosed = Promise.promise();
      live.closeHandler(v -> liveClosed.tryComplete(System.nanoTime()));
      for (Socket socket : List.of(silent, keptAlive)) {
        socket.setSoTimeout(8000);
        long closedAfter;
        try {
          while (socket.getInputStream().read() != -1) {
            // the rest of the 404's body
          }
        } catch (SocketTimeoutException stillOpen) {
          throw new AssertionError("still open 8 s after its last byte");
        } catch (java.net.SocketException reset) {
          // closed
        }
        closedAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(closedAfter >= IDLE_TIMEOUT_MS / 2 && closedAfter < 6000, "closed after " + closedAfter + " ms");
      }
      long liveAfter = TimeUnit.NANOSECONDS.toMillis(liveClosed.future().await(8, TimeUnit.SECONDS) - start);
      assertTrue(liveAfter >= IDLE_TIMEOUT_MS / 2 && liveAfter < 8000, "live socket closed after " + liveAfter + " ms");
    }
  }

  @Test
  @DisplayName("A live handshake whose Origin has a port that is not a number gets 403 problem+json, no stack trace")
  void badOriginPort() throws Exception {
    String answer = exchange(gateway.httpPort(), ("GET /api/ws HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\n"
        + "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        + "Origin: http://localhost:8080.evil.example\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    assertTrue(answer.startsWith("HTTP/1.1 403"), firstLine(answer));
    assertTrue(answer.contains("application/problem+json") && answer.contains("urn:cotoami:problem:origin-not-allowed"),
        answer);
    assertFalse(answer.contains("Exception") || answer.contains("\tat "), answer);
  }

  @Test
  @DisplayName("A fragmented live message of 300 KB is closed with 1009, not dropped without a word")
  void fragmentedMessageOverTheLimit() throws Exception {
    WebSocket ws = socket();
    Promise<Short> closed = Promise.promise();
    ws.closeHandler(v -> closed.tryComplete(ws.closeStatusCode()));
    String chunk = "x".repeat(60_000);
    ws.writeFrame(WebSocketFrame.textFrame("{\"type\":\"ping\",\"pad\":\"" + chunk, false));
    for (int i = 0; i < 4; i++) {
      ws.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer(chunk), false));
    }
    ws.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer("\"}"), true));
    assertEquals((short) 1009, closed.future().await(10, TimeUnit.SECONDS));
  }

  @Test
  @DisplayName("The gateway pings live sockets: one that answers the pings stays, one that never answers is closed")
  void pings() throws Exception {
    WebSocket answering = socket();
    List<Buffer> pings = new ArrayList<>();
    answering.frameHandler(frame -> {
      if (frame.type() == io.vertx.core.http.WebSocketFrameType.PING) {
        synchronized (pings) {
          pings.add(frame.binaryData());
        }
      }
    });
    try (Socket silent = connect("127.0.0.5")) {
      silent.getOutputStream().write(("GET /api/ws HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\n"
          + "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
          + "Origin: http://localhost:8080\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      silent.setSoTimeout(5000);
      InputStream in = silent.getInputStream();
      String head = readHead(in);
      assertTrue(head.startsWith("HTTP/1.1 101"), head);
      long start = System.nanoTime();
      int pingsSeen = 0;
      // Server frames are unmasked: opcode byte, length byte (small here), payload.
      while (true) {
        int opcode = in.read();
        assertNotEquals(-1, opcode, "closed without a close frame");
        long length = in.read() & 0x7f;
        if (length == 126) {
          length = ((in.read() & 0xff) << 8) | (in.read() & 0xff);
        } else if (length == 127) {
          length = java.nio.ByteBuffer.wrap(in.readNBytes(8)).getLong();
        }
        byte[] payload = in.readNBytes((int) length);
        if ((opcode & 0x0f) == 0x9) {
          pingsSeen++;
        } else if ((opcode & 0x0f) == 0x8) {
          int code = ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
          assertEquals(1001, code);
          break;
        }
      }
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(pingsSeen >= 2, "pinged before being closed: " + pingsSeen);
      assertTrue(tookMs < PING_MS * 5, "closed after " + tookMs + " ms");
    }
    synchronized (pings) {
      assertTrue(pings.size() >= 2, "the answering socket was pinged: " + pings.size());
    }
    assertFalse(answering.isClosed(), "a socket that answers the pings stays open");
    answering.close();
  }

  private static WebSocket socket() throws Exception {
    return socket("127.0.0.1");
  }

  private static WebSocket socket(String from) throws Exception {
    WebSocketClient client = clients.createWebSocketClient(new io.vertx.core.http.WebSocketClientOptions()
        .setLocalAddress(from));
    return client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(gateway.httpPort())
        .setURI("/api/ws").addHeader("Origin", "http://localhost:8080")).await(10, TimeUnit.SECONDS);
  }

  private static void awaitOpen(int atLeast) throws InterruptedException {
    awaitOpen(gateway, n -> n >= atLeast);
  }

  /** Waits (5 s at most) until the count of the instance's open public connections is as wanted. */
  private static void awaitOpen(ServiceInstance instance, java.util.function.IntPredicate wanted)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!wanted.test(instance.publicConnections()) && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }

  /** -1 when the server closed the connection (or reset it); else the first byte it sent. */
  private static int readOrReset(Socket socket) throws IOException {
    try {
      return socket.getInputStream().read();
    } catch (java.net.SocketException reset) {
      return -1;
    }
  }

  /** Writes a little; false once the server has closed the connection. */
  private static boolean drip(Socket socket, String text) {
    try {
      socket.setSoTimeout(1);
      try {
        if (socket.getInputStream().read() == -1) {
          return false;
        }
      } catch (SocketTimeoutException stillOpen) {
        // nothing to read: still open
      }
      socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static Socket connect(String from) throws IOException {
    return connect(from, gateway.httpPort());
  }

  private static Socket connect(String from, int port) throws IOException {
    Socket socket = new Socket();
    socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
    socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
    return socket;
  }

  private static String exchange(int port, byte[]... parts) throws IOException {
    return exchange("127.0.0.1", port, parts);
  }

  /** Sends the bytes, then reads what comes back until the server closes or stays silent for a second. */
  private static String exchange(String from, int port, byte[]... parts) throws IOException {
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
      socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      socket.setSoTimeout(1000);
      OutputStream out = socket.getOutputStream();
      for (byte[] part : parts) {
        out.write(part);
      }
      out.flush();
      StringBuilder answer = new StringBuilder();
      byte[] buffer = new byte[8192];
      try {
        for (int n; (n = socket.getInputStream().read(buffer)) > 0; ) {
          answer.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
          if (answer.indexOf("\r\n\r\n") > 0 && !answer.toString().contains("chunked")
              && answer.toString().contains("content-length")) {
            int length = Integer.parseInt(answer.toString().replaceAll("(?s).*content-length: *(\\d+).*", "$1"));
            if (answer.length() - answer.indexOf("\r\n\r\n") - 4 >= length) {
              break;
            }
          }
        }
      } catch (SocketTimeoutException | java.net.SocketException silent) {
        // what came is the answer
      }
      return answer.toString();
    }
  }

  private static String readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (head.indexOf("\r\n\r\n") < 0) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.append((char) b);
    }
    return head.toString();
  }

  private static boolean isHttp2Settings(String answer) {
    return answer.length() >= 9 && answer.charAt(3) == 4 && answer.charAt(0) == 0;
  }

  private static String firstLine(String answer) {
    int end = answer.indexOf("\r\n");
    return end < 0 ? answer : answer.substring(0, end);
  }

  private static boolean atLeast(String version, int major, int minor, int patch) {
    String[] parts = version.split("[.-]");
    int[] wanted = {major, minor, patch};
    for (int i = 0; i < 3; i++) {
      int part = Integer.parseInt(parts[i]);
      if (part != wanted[i]) {
        return part > wanted[i];
      }
    }
    return true;
  }
}
