package io.cotoami.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cotoami.common.config.PgConfig;
import io.cotoami.auth.AuthServiceMain;
import io.cotoami.common.cluster.HazelcastConfigs;
import io.cotoami.coto.CotoServiceMain;
import io.cotoami.gateway.GatewayMain;
import io.cotoami.infra.FreePorts;
import io.cotoami.infra.PostgresServer;
import io.cotoami.infra.RedisServer;
import io.cotoami.infra.TestConfigs;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Live chat as deployed: two gateway processes and two coto-service processes clustered over
 * Hazelcast, embedded PostgreSQL and Redis, and real WebSocket clients. The last test kills a
 * gateway with SIGKILL, so the order is fixed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LiveProcessTest {
  private static final String CLUSTER = TestConfigs.newClusterName();
  private static final String ORIGIN = "http://localhost:8080";
  private static final String ROUTE_COOKIE = "cotoami_route_coto_service";
  /** Small, so that a client that stops reading is found out after a few frames. */
  private static final int WRITE_QUEUE_BYTES = 32 * 1024;
  private static PostgresServer postgres;
  private static RedisServer redis;
  private static ServiceProcess gatewayA;
  private static ServiceProcess gatewayB;
  private static ServiceProcess auth;
  private static final List<ServiceProcess> cotoServices = new ArrayList<>();
  private static int portA;
  private static int portB;
  private static Http httpA;
  private static Vertx vertx;
  private static WebSocketClient sockets;
  /** Route cookie → pid of the coto-service process it pins. */
  private static final Map<String, Long> routes = new LinkedHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    postgres = PostgresServer.startTemporary();
    redis = RedisServer.startTemporary();
    PgConfig pg = postgres.ensureDatabase("cotoami", "cotoami", "secret");
    portA = FreePorts.next();
    portB = FreePorts.next();
    gatewayA = ServiceProcess.start(GatewayMain.class, CLUSTER, gatewayEnv(portA));
    gatewayB = ServiceProcess.start(GatewayMain.class, CLUSTER, gatewayEnv(portB));
    for (int i = 0; i < 2; i++) {
      cotoServices.add(ServiceProcess.start(CotoServiceMain.class, CLUSTER, TestConfigs.stores(pg, redis)));
    }
    // Gateways and coto-services serve sessions once auth-service told them the revoked ones.
    auth = ServiceProcess.start(AuthServiceMain.class, CLUSTER, TestConfigs.stores(pg, redis));
    httpA = new Http(portA);
    for (int port : List.of(portA, portB)) {
      try (Http http = new Http(port); Http management = management(port)) {
        management.until("/health/ready", r -> r.statusCode() == 200, 180);
        http.until("/api/instances", r -> r.bodyAsJsonObject().getJsonArray("instances").stream()
            .map(JsonObject.class::cast)
            .filter(i -> "coto-service".equals(i.getString("service")) && "READY".equals(i.getString("state")))
            .count() == 2, 180);
      }
    }
    vertx = Vertx.vertx();
    sockets = vertx.createWebSocketClient();
    // One route cookie for each coto-service process, to post through a chosen one.
    for (int i = 0; i < 100 && routes.size() < 2; i++) {
      HttpResponse<Buffer> answer = httpA.get("/api/debug/coto-service");
      String cookie = answer.cookies().stream().filter(c -> c.startsWith(ROUTE_COOKIE + "=")).findFirst().orElseThrow();
      routes.putIfAbsent(cookie.substring(0, cookie.indexOf(';')), answer.bodyAsJsonObject().getLong("pid"));
    }
    assertEquals(2, Set.copyOf(routes.values()).size(), "requests without a cookie reach both coto-service processes");
  }

  /** The management port of the gateway process listening on {@code port}. */
  private static Http management(int port) {
    return new Http(ServiceProcess.managementPort(port));
  }

  private static Map<String, String> gatewayEnv(int port) {
    Map<String, String> env = new HashMap<>();
    env.put("HTTP_PORT", String.valueOf(port));
    env.put("MANAGEMENT_PORT", String.valueOf(ServiceProcess.managementPort(port)));
    env.put("WS_PRESENCE_TTL", "3s");
    env.put("WS_WRITE_QUEUE", String.valueOf(WRITE_QUEUE_BYTES));
    return env;
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      vertx.close();
    }
    if (httpA != null) {
      httpA.close();
    }
    List<ServiceProcess> all = new ArrayList<>(cotoServices);
    all.add(gatewayA);
    all.add(gatewayB);
    all.add(auth);
    ServiceProcess.closeAll(all);
    redis.close();
    postgres.close();
  }

  private record User(String id, String email, String name, String token) {
  }

  private static User user(String name) {
    String id = UUID.randomUUID().toString();
    String email = name + "-" + id.substring(0, 8) + "@example.com";
    return new User(id, email, name, TestConfigs.keys().token(vertx, id, email, name));
  }

  private static LiveProbe connect(int port, String bearer) throws Exception {
    return connect(sockets, port, null, bearer);
  }

  private static LiveProbe connect(WebSocketClient client, int port, String origin, String bearer) throws Exception {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/api/ws");
    if (origin != null) {
      options.addHeader("Origin", origin);
    }
    if (bearer != null) {
      options.addHeader("Authorization", "Bearer " + bearer);
    }
    return new LiveProbe(Http.await(client.connect(options)));
  }

  private static int handshakeStatus(int port, String origin, String bearer) throws Exception {
    try {
      connect(sockets, port, origin, bearer).ws.close();
      return 101;
    } catch (ExecutionException e) {
      return ((UpgradeRejectedException) e.getCause()).getStatus();
    }
  }

  private static Future<HttpResponse<Buffer>> postAsync(User user, String route, String path, JsonObject body) {
    var request = httpA.client().post(path).putHeader("Content-Type", "application/json")
        .putHeader("Authorization", "Bearer " + user.token());
    if (route != null) {
      request.putHeader("Cookie", route);
    }
    return httpA.start(request, Buffer.buffer(body.encode()));
  }

  /** Posts through gateway A, pinned to the coto-service process of {@code route} (or any when null). */
  private static HttpResponse<Buffer> post(User user, String route, String path, JsonObject body) throws Exception {
    HttpResponse<Buffer> response = Http.await(postAsync(user, route, path, body));
    assertEquals(2, response.statusCode() / 100, response.bodyAsString());
    return response;
  }

  private static String cotonoma(User owner, User... members) throws Exception {
    String key = post(owner, null, "/api/cotonomas", new JsonObject().put("name", "room " + owner.id().substring(0, 6)))
        .bodyAsJsonObject().getString("key");
    for (User member : members) {
      post(owner, null, "/api/cotonomas/" + key + "/members", new JsonObject().put("email", member.email()));
    }
    return "cotonoma:" + key;
  }

  private static JsonObject coto(String timeline, String content) {
    JsonObject body = new JsonObject().put("content", content);
    return timeline.startsWith("cotonoma:") ? body.put("cotonomaKey", timeline.substring("cotonoma:".length())) : body;
  }

  private static String content(JsonObject eventFrame) {
    return eventFrame.getJsonObject("event").getJsonObject("coto").getString("content");
  }

  @Test
  @Order(1)
  @DisplayName("Each gateway process refuses a foreign or missing Origin and a bad token at the handshake, before any frame")
  void handshake() throws Exception {
    User ann = user("ann");
    for (int port : List.of(portA, portB)) {
      assertEquals(403, handshakeStatus(port, "https://evil.example", null));
      assertEquals(403, handshakeStatus(port, null, null));
      assertEquals(401, handshakeStatus(port, ORIGIN, "not-a-token"));
      assertEquals(101, handshakeStatus(port, ORIGIN, null), "our own page");
      assertEquals(101, handshakeStatus(port, null, ann.token()), "a mobile client with a bearer token");
    }
  }

  @Test
  @Order(2)
  @DisplayName("Cotos posted through gateway A, one to each coto-service process, reach a member subscribed on gateway B at once and in order")
  void postViaOneReceiveViaOther() throws Exception {
    User ann = user("ann");
    User bob = user("bob");
    String room = cotonoma(ann, bob);
    LiveProbe bobOnB = connect(portB, bob.token()).subscribe(room, null);
    assertEquals(room, bobOnB.next("subscribed").getString("timeline"));

    List<String> ids = new ArrayList<>();
    long previous = -1;
    for (Map.Entry<String, Long> route : routes.entrySet()) {
      String content = "handled by coto-service pid " + route.getValue();
      ids.add(post(ann, route.getKey(), "/api/cotos", coto(room, content)).bodyAsJsonObject().getString("id"));
      JsonObject event = bobOnB.next("event");
      assertEquals(content, content(event));
      assertEquals(ids.get(ids.size() - 1), event.getJsonObject("event").getJsonObject("coto").getString("id"));
      assertTrue(previous < 0 || event.getLong("eventId") == previous + 1, "consecutive event ids across processes");
      previous = event.getLong("eventId");
    }
    for (ServiceProcess coto : cotoServices) {
      coto.awaitLog(line -> line.contains("POST /api/cotos 201"), 10);
    }
    bobOnB.ws.close();
  }

  @Test
  @Order(3)
  @DisplayName("A client away while 100 cotos were posted reconnects to the other gateway and gets exactly those 100, in order, then live ones")
  void resumeOnTheOtherGateway() throws Exception {
    User ann = user("ann");
    LiveProbe onB = connect(portB, ann.token()).subscribe("home", null);
    onB.next("subscribed");
    post(ann, null, "/api/cotos", coto("home", "before"));
    long seen = onB.next("event").getLong("eventId");
    Http.await(onB.ws.close());

    List<String> cookies = new ArrayList<>(routes.keySet());
    for (int i = 0; i < 100; i++) {
      post(ann, cookies.get(i % 2), "/api/cotos", coto("home", "missed " + i));
    }
    LiveProbe onA = connect(portA, ann.token()).subscribe("home", seen);
    for (int i = 0; i < 100; i++) {
      JsonObject event = onA.next("event");
      assertEquals(seen + 1 + i, event.getLong("eventId"), "no gap, no duplicate");
      assertEquals("missed " + i, content(event));
    }
    assertEquals("home", onA.next("subscribed").getString("timeline"));
    post(ann, null, "/api/cotos", coto("home", "live again"));
    JsonObject live = onA.next("event");
    assertEquals(seen + 101, live.getLong("eventId"));
    assertEquals("live again", content(live));
    onA.ws.close();
  }

  @Test
  @Order(4)
  @DisplayName("A client that stops reading is disconnected after a bounded buffer while a reading member gets every coto of concurrent posts, in event order")
  void slowReader() throws Exception {
    User ann = user("ann");
    User bob = user("bob");
    String room = cotonoma(ann, bob);
    // A small socket receive buffer, so that the gateway's buffer fills soon after bob stops reading.
    WebSocketClient stingy = vertx.createWebSocketClient(new WebSocketClientOptions().setReceiveBufferSize(4096));
    LiveProbe slow = connect(stingy, portB, null, bob.token()).subscribe(room, null);
    slow.next("subscribed");
    LiveProbe reader = connect(portA, ann.token()).subscribe(room, null);
    reader.next("subscribed");
    slow.ws.pause();

    String big = "遅".repeat(2400);
    int posted = 0;
    while (!closedSlowReader() && posted < 3000) {
      List<Future<HttpResponse<Buffer>>> batch = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        batch.add(postAsync(ann, null, "/api/cotos", coto(room, big + " " + (posted + i))));
      }
      for (HttpResponse<Buffer> response : Http.await(Future.all(batch)).<HttpResponse<Buffer>>list()) {
        assertEquals(201, response.statusCode(), response.bodyAsString());
      }
      posted += batch.size();
    }
    assertTrue(closedSlowReader(), "the gateway closed the client that stopped reading (" + posted + " cotos posted)");

    // Posted ten at a time through both coto-service processes: still one event id after the other.
    Set<String> read = new TreeSet<>();
    long previous = -1;
    for (int i = 0; i < posted; i++) {
      JsonObject event = reader.next("event");
      assertTrue(previous < 0 || event.getLong("eventId") == previous + 1, "no gap, no duplicate, in order");
      previous = event.getLong("eventId");
      read.add(content(event));
    }
    assertEquals(posted, read.size(), "the reading member gets every coto");
    int received = 0;
    slow.ws.resume();
    Short status = slow.closed.poll(30, TimeUnit.SECONDS);
    for (JsonObject frame : slow.frames) {
      received += "event".equals(frame.getString("type")) ? 1 : 0;
    }
    assertEquals((short) 1008, status, "closed as too slow");
    assertEquals(1, logLines(gatewayB, "Closed a live socket too slow to read"), "said once, not per frame");
    assertTrue(received < posted, "what the slow client could not take was dropped, not buffered: got "
        + received + " of " + posted);
    stingy.close();
    reader.ws.close();
  }

  private static boolean closedSlowReader() throws Exception {
    return logLines(gatewayB, "Closed a live socket too slow to read") > 0;
  }

  private static long logLines(ServiceProcess process, String text) throws Exception {
    return process.stdoutLines().stream().filter(l -> l.contains(text)).count();
  }

  @Test
  @Order(5)
  @DisplayName("Frame limits: over 64 KiB closes with 1009; a burst is throttled with slow-down errors and then served again; a sustained flood is closed with 1008")
  void frameLimits() throws Exception {
    User ann = user("ann");
    WebSocketClient careless = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxFrameSize(256 * 1024).setMaxMessageSize(256 * 1024));
    LiveProbe big = connect(careless, portA, null, ann.token());
    big.ws.writeTextMessage("x".repeat(70 * 1024));
    assertEquals((short) 1009, big.closed.poll(20, TimeUnit.SECONDS));
    careless.close();

    LiveProbe burst = connect(portA, ann.token());
    for (int i = 0; i < 60; i++) {
      burst.ws.writeTextMessage(new JsonObject().put("type", "ping").encode());
    }
    int pongs = 0;
    int slowDowns = 0;
    for (int i = 0; i < 60; i++) {
      JsonObject frame = burst.frames.poll(20, TimeUnit.SECONDS);
      assertNotNull(frame, "every frame of the burst is answered");
      if ("pong".equals(frame.getString("type"))) {
        pongs++;
      } else {
        assertEquals("urn:cotoami:problem:slow-down", frame.getJsonObject("problem").getString("type"));
        slowDowns++;
      }
    }
    assertTrue(pongs >= 20 && slowDowns >= 10, "a burst of 60 gets " + pongs + " answers and " + slowDowns
        + " slow-down errors (the default budget: 20 a second, bursts of 40)");
    assertTrue(burst.closed.isEmpty(), "a burst is throttled, not punished");
    // Once the budget refills, the client is served again.
    JsonObject answer = null;
    for (int attempt = 0; attempt < 50 && !(answer != null && "pong".equals(answer.getString("type"))); attempt++) {
      TimeUnit.MILLISECONDS.sleep(100);
      burst.send(new JsonObject().put("type", "ping"));
      answer = burst.frames.poll(20, TimeUnit.SECONDS);
    }
    assertEquals("pong", answer.getString("type"));

    for (int i = 0; i < 400; i++) {
      burst.ws.writeTextMessage(new JsonObject().put("type", "ping").encode());
    }
    assertEquals((short) 1008, burst.closed.poll(20, TimeUnit.SECONDS), "a sustained flood is cut off");
    gatewayA.awaitLog(l -> l.contains("Closed a live socket that kept flooding"), 10);
    assertEquals(1, logLines(gatewayA, "Closed a live socket that kept flooding"), "said once, not per frame");
  }

  @Test
  @Order(6)
  @DisplayName("A gateway frozen past the heartbeat drops out of the cluster with its viewers; merged back, it shows them to the others again and streams events to them")
  void presenceAfterMerge() throws Exception {
    User cleo = user("cleo");
    User dan = user("dan");
    String room = cotonoma(cleo, dan);
    LiveProbe cleoOnA = connect(portA, cleo.token()).subscribe(room, null);
    cleoOnA.next("subscribed");
    LiveProbe danOnB = connect(portB, dan.token()).subscribe(room, null);
    danOnB.next("subscribed");
    cleoOnA.viewers(List.of(cleo.id(), dan.id()));

    long frozenAt = System.nanoTime();
    try (Freeze frozen = Freeze.process(gatewayB.process().pid())) {
      httpA.until("/api/instances", r -> !gatewayListed(r.bodyAsJsonObject(), gatewayB.process().pid()), 30);
      cleoOnA.viewers(List.of(cleo.id()));
      // Past the heartbeat timeout, so that the cluster removes gateway B and it must merge back.
      long splitAfter = HazelcastConfigs.MAX_NO_HEARTBEAT.plusSeconds(4).toNanos();
      TimeUnit.NANOSECONDS.sleep(Math.max(0, frozenAt + splitAfter - System.nanoTime()));
    }
    gatewayB.awaitLog(line -> line.contains(" is merging "), 60);
    // Merged back: gateway B is in the others' table again and its viewer in the room's presence.
    httpA.until("/api/instances", r -> gatewayListed(r.bodyAsJsonObject(), gatewayB.process().pid()), 60);
    cleoOnA.viewers(List.of(cleo.id(), dan.id()));
    post(cleo, null, "/api/cotos", coto(room, "after the merge"));
    cleoOnA.next("event");
    JsonObject event = danOnB.next("event");
    assertEquals("after the merge", content(event));
    cleoOnA.ws.close();
    danOnB.ws.close();
  }

  /** Whether the gateway process {@code pid} is in this registry answer (an instance id is host-pid-random). */
  private static boolean gatewayListed(JsonObject instances, long pid) {
    return instances.getJsonArray("instances").stream().map(JsonObject.class::cast)
        .anyMatch(i -> "gateway".equals(i.getString("service")) && i.getString("instanceId").contains("-" + pid + "-"));
  }

  @Test
  @Order(7)
  @DisplayName("Presence and typing across gateway processes; after gateway B is killed its viewer disappears by itself and, back through gateway A, misses nothing")
  void presenceAndKilledGateway() throws Exception {
    User ann = user("ann");
    User bob = user("bob");
    String room = cotonoma(ann, bob);
    LiveProbe annOnA = connect(portA, ann.token()).subscribe(room, null);
    annOnA.next("subscribed");
    LiveProbe bobOnB = connect(portB, bob.token()).subscribe(room, null);
    bobOnB.next("subscribed");

    JsonArray viewers = annOnA.viewers(List.of(ann.id(), bob.id())).getJsonArray("viewers");
    JsonObject bobSeen = viewers.stream().map(JsonObject.class::cast).filter(v -> bob.id().equals(v.getString("userId")))
        .findFirst().orElseThrow();
    assertEquals("bob", bobSeen.getString("name"));
    assertTrue(bobSeen.getString("avatarUrl").contains("gravatar.com/avatar/"));
    bobOnB.viewers(List.of(ann.id(), bob.id()));

    bobOnB.send(new JsonObject().put("type", "typing").put("timeline", room));
    JsonObject typing = annOnA.next("typing");
    assertEquals(bob.id(), typing.getJsonObject("user").getString("userId"));
    assertTrue(typing.getLong("expiresInMs") > 0);

    post(ann, null, "/api/cotos", coto(room, "seen by bob"));
    long bobSaw = bobOnB.next("event").getLong("eventId");
    annOnA.next("event");

    gatewayB.kill();
    assertFalse(gatewayB.process().isAlive());
    annOnA.viewers(List.of(ann.id()));
    assertNotNull(bobOnB.closed.poll(20, TimeUnit.SECONDS), "bob's socket to the dead gateway is gone");

    for (int i = 0; i < 5; i++) {
      post(ann, null, "/api/cotos", coto(room, "while bob was away " + i));
      annOnA.next("event");
    }
    LiveProbe bobOnA = connect(portA, bob.token()).subscribe(room, bobSaw);
    for (int i = 0; i < 5; i++) {
      JsonObject event = bobOnA.next("event");
      assertEquals(bobSaw + 1 + i, event.getLong("eventId"));
      assertEquals("while bob was away " + i, content(event));
    }
    bobOnA.next("subscribed");
    annOnA.viewers(List.of(ann.id(), bob.id()));
    annOnA.ws.close();
    bobOnA.ws.close();
  }
}
