package io.cotoami.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cotoami.common.config.PgConfig;
import io.cotoami.common.runtime.ServiceInstance;
import io.cotoami.coto.CotoServiceConfig;
import io.cotoami.coto.CotoServiceMain;
import io.cotoami.gateway.GatewayConfig;
import io.cotoami.gateway.GatewayMain;
import io.cotoami.infra.NoRevocations;
import io.cotoami.infra.PostgresServer;
import io.cotoami.infra.RedisServer;
import io.cotoami.infra.TestConfigs;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The live WebSocket through a real gateway and coto-service, clustered, on embedded stores. */
class LiveTimelineTest {
  private static final String CLUSTER = TestConfigs.newClusterName();
  private static final String ORIGIN = "http://localhost:8080";
  private static PostgresServer postgres;
  private static RedisServer redis;
  private static ServiceInstance gateway;
  private static ServiceInstance gateway2;
  private static ServiceInstance coto;
  private static Http http;
  private static Vertx vertx;
  private static WebSocketClient sockets;

  @BeforeAll
  static void start() throws Exception {
    postgres = PostgresServer.startTemporary();
    redis = RedisServer.startTemporary();
    PgConfig pg = postgres.ensureDatabase("cotoami", "cotoami", "secret");
    List<ServiceInstance> started = Http.await(Future.all(
        GatewayMain.start(GatewayConfig.fromEnv(TestConfigs.of(CLUSTER, java.util.Map.of("WS_PRESENCE_TTL", "3s")))),
        GatewayMain.start(GatewayConfig.fromEnv(TestConfigs.of(CLUSTER, java.util.Map.of("WS_PRESENCE_TTL", "3s")))),
        CotoServiceMain.start(CotoServiceConfig.fromEnv(TestConfigs.of(CLUSTER, TestConfigs.stores(pg, redis))))))
        .list();
    gateway = started.get(0);
    gateway2 = started.get(1);
    coto = started.get(2);
    // No auth-service here: this stands in for its answer that nothing was revoked.
    Http.await(NoRevocations.serve(coto.vertx()));
    http = new Http(gateway.httpPort());
    http.until("/api/instances", r -> r.bodyAsString().contains("coto-service"), 30);
    Http.awaitReady(started, 30);
    vertx = Vertx.vertx();
    sockets = vertx.createWebSocketClient();
  }

  @AfterAll
  static void stop() throws Exception {
    // The test's sockets go first: left open, they would hold the gateways' drain for its whole grace period.
    if (vertx != null) {
      Http.await(vertx.close());
    }
    Http.shutdown(gateway, gateway2, coto);
    if (http != null) {
      http.close();
    }
    redis.close();
    postgres.close();
  }

  private record User(String id, String email, String token) {
  }

  private static User user() {
    String id = UUID.randomUUID().toString();
    String email = "u-" + id.substring(0, 8) + "@example.com";
    return new User(id, email, TestConfigs.keys().token(vertx, id, email, "name"));
  }

  private static LiveProbe connect(String origin, String bearer, String cookie) throws Exception {
    return connect(gateway, origin, bearer, cookie);
  }

  private static LiveProbe connect(ServiceInstance to, String origin, String bearer, String cookie) throws Exception {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(to.httpPort())
        .setURI("/api/ws");
    if (origin != null) {
      options.addHeader("Origin", origin);
    }
    if (bearer != null) {
      options.addHeader("Authorization", "Bearer " + bearer);
    }
    if (cookie != null) {
      options.addHeader("Cookie", cookie);
    }
    return new LiveProbe(Http.await(sockets.connect(options)));
  }

  private static int rejected(String origin, String bearer) throws Exception {
    try {
      connect(origin, bearer, null).ws.close();
      return 101;
    } catch (ExecutionException e) {
      return ((UpgradeRejectedException) e.getCause()).getStatus();
    }
  }

  private static HttpResponse<Buffer> post(User user, String path, JsonObject body) throws Exception {
    return http.send(http.client().post(path).putHeader("Content-Type", "application/json")
        .putHeader("Authorization", "Bearer " + user.token()), Buffer.buffer(body.encode()));
  }

  @Test
  @DisplayName("The handshake refuses a foreign or missing Origin (unless a bearer token is sent) and a bad token, before any frame")
  void handshake() throws Exception {
    User ann = user();
    assertEquals(403, rejected("https://evil.example", null));
    assertEquals(403, rejected(null, null));
    assertEquals(403, rejected("null", null));
    assertEquals(101, rejected(null, ann.token()), "mobile clients with a bearer token need no Origin");
    assertEquals(101, rejected(ORIGIN, null), "our own page, anonymous");
    assertEquals(401, rejected(ORIGIN, "not-a-token"));
  }

  @Test
  @DisplayName("A member sees a coto posted in the cotonoma at once, with its event id; a non-member's subscription is refused with an error frame")
  void liveCotonoma() throws Exception {
    User ann = user();
    User bob = user();
    String key = post(ann, "/api/cotonomas", new JsonObject().put("name", "live-" + ann.id().substring(0, 6)))
        .bodyAsJsonObject().getString("key");
    LiveProbe annSocket = connect(null, ann.token(), null);
    annSocket.send(new JsonObject().put("type", "subscribe").put("timeline", "cotonoma:" + key));
    assertEquals("cotonoma:" + key, annSocket.next("subscribed").getString("timeline"));
    HttpResponse<Buffer> posted = post(ann, "/api/cotos", new JsonObject().put("content", "hello room").put("cotonomaKey", key));
    assertEquals(201, posted.statusCode(), posted.bodyAsString());
    JsonObject event = annSocket.next("event");
    assertEquals("cotonoma:" + key, event.getString("timeline"));
    assertNotNull(event.getLong("eventId"));
    assertEquals("coto-posted", event.getJsonObject("event").getString("type"));
    assertEquals(posted.bodyAsJsonObject().getString("id"), event.getJsonObject("event").getJsonObject("coto").getString("id"));

    LiveProbe bobSocket = connect(null, bob.token(), null);
    bobSocket.send(new JsonObject().put("type", "subscribe").put("timeline", "cotonoma:" + key));
    JsonObject refused = bobSocket.next("error");
    assertEquals("urn:cotoami:problem:not-found", refused.getJsonObject("problem").getString("type"));
    annSocket.ws.close();
    bobSocket.ws.close();
  }

  @Test
  @DisplayName("A client back after 100 cotos were posted gets exactly those 100, in order, then live ones")
  void resume() throws Exception {
    User ann = user();
    LiveProbe first = connect(null, ann.token(), null);
    first.send(new JsonObject().put("type", "subscribe").put("timeline", "home"));
    first.next("subscribed");
    post(ann, "/api/cotos", new JsonObject().put("content", "before"));
    long seen = first.next("event").getLong("eventId");
    Http.await(first.ws.close());

    for (int i = 0; i < 100; i++) {
      assertEquals(201, post(ann, "/api/cotos", new JsonObject().put("content", "missed " + i)).statusCode());
    }
    LiveProbe back = connect(null, ann.token(), null);
    back.send(new JsonObject().put("type", "subscribe").put("timeline", "home").put("lastEventId", seen));
    for (int i = 0; i < 100; i++) {
      JsonObject event = back.next("event");
      assertEquals(seen + 1 + i, event.getLong("eventId"), "in order, no gap, no duplicate");
      assertEquals("missed " + i, event.getJsonObject("event").getJsonObject("coto").getString("content"));
    }
    assertEquals("home", back.next("subscribed").getString("timeline"));
    post(ann, "/api/cotos", new JsonObject().put("content", "live again"));
    JsonObject live = back.next("event");
    assertEquals(seen + 101, live.getLong("eventId"));
    back.ws.close();
  }

  @Test
  @DisplayName("Limits: a frame over 64 KiB closes the socket with 1009; more than 20 subscriptions are refused")
  void limits() throws Exception {
    User ann = user();
    // A client that sends the 70 KiB message as one frame, as a careless or hostile one would.
    WebSocketClient careless = vertx.createWebSocketClient(new io.vertx.core.http.WebSocketClientOptions()
        .setMaxFrameSize(256 * 1024).setMaxMessageSize(256 * 1024));
    LiveProbe big = new LiveProbe(Http.await(careless.connect(new WebSocketConnectOptions().setHost("127.0.0.1")
        .setPort(gateway.httpPort()).setURI("/api/ws").addHeader("Authorization", "Bearer " + ann.token()))));
    big.ws.writeTextMessage("x".repeat(70 * 1024));
    Short status = big.closed.poll(15, TimeUnit.SECONDS);
    assertEquals((short) 1009, status);

    LiveProbe many = connect(null, ann.token(), null);
    for (int i = 0; i < 20; i++) {
      String key = post(ann, "/api/cotonomas", new JsonObject().put("name", "limit " + i)).bodyAsJsonObject()
          .getString("key");
      many.send(new JsonObject().put("type", "subscribe").put("timeline", "cotonoma:" + key));
      many.next("subscribed");
    }
    many.send(new JsonObject().put("type", "subscribe").put("timeline", "home"));
    assertTrue(many.next("error").getJsonObject("problem").getString("type").endsWith("too-many-subscriptions"));
    many.ws.close();
  }

  @Test
  @DisplayName("Across two gateway replicas: viewers of a cotonoma see each other, typing shows, and a dead gateway's viewer disappears by itself")
  void presenceAndTyping() throws Exception {
    User ann = user();
    User bob = user();
    String key = post(ann, "/api/cotonomas", new JsonObject().put("name", "room-" + ann.id().substring(0, 6)))
        .bodyAsJsonObject().getString("key");
    assertEquals(200, post(ann, "/api/cotonomas/" + key + "/members", new JsonObject().put("email", bob.email()))
        .statusCode() / 100 * 100);
    LiveProbe annSocket = connect(gateway, null, ann.token(), null);
    annSocket.send(new JsonObject().put("type", "subscribe").put("timeline", "cotonoma:" + key));
    annSocket.next("subscribed");
    LiveProbe bobSocket = connect(gateway2, null, bob.token(), null);
    bobSocket.send(new JsonObject().put("type", "subscribe").put("timeline", "cotonoma:" + key));
    bobSocket.next("subscribed");

    JsonObject both = presenceWith(annSocket, 2);
    assertTrue(both.getJsonArray("viewers").encode().contains(bob.id()));
    assertTrue(both.getJsonArray("viewers").encode().contains("gravatar.com/avatar/"));
    presenceWith(bobSocket, 2);

    bobSocket.send(new JsonObject().put("type", "typing").put("timeline", "cotonoma:" + key));
    JsonObject typing = annSocket.next("typing");
    assertEquals(bob.id(), typing.getJsonObject("user").getString("userId"));
    assertTrue(typing.getLong("expiresInMs") > 0, "the indication expires by itself");

    // Posted through one replica, seen through the other.
    Http other = new Http(gateway2.httpPort());
    other.send(other.client().post("/api/cotos").putHeader("Content-Type", "application/json")
        .putHeader("Authorization", "Bearer " + bob.token()),
            Buffer.buffer(new JsonObject().put("content", "via replica 2").put("cotonomaKey", key).encode()));
    assertEquals("via replica 2", annSocket.next("event").getJsonObject("event").getJsonObject("coto").getString("content"));
    other.close();

    // gateway2 dies without saying goodbye: its viewer expires from the cluster by itself.
    gateway2.clusterManager().getHazelcastInstance().getLifecycleService().terminate();
    gateway2.vertx().close();
    gateway2 = null;
    JsonObject alone = presenceWith(annSocket, 1);
    assertTrue(alone.getJsonArray("viewers").encode().contains(ann.id()));
    annSocket.ws.close();
  }

  @Test
  @DisplayName("In a crowded cotonoma a presence frame lists the first 20 viewers by name and counts them all, and a burst of 25 joins is sent as a few frames, not one per join")
  void crowdedPresence() throws Exception {
    User ann = user();
    String key = post(ann, "/api/cotonomas", new JsonObject().put("name", "crowd-" + ann.id().substring(0, 6)))
        .bodyAsJsonObject().getString("key");
    LiveProbe observer = connect(gateway, null, ann.token(), null);
    observer.send(new JsonObject().put("type", "subscribe").put("timeline", "cotonoma:" + key));
    observer.next("subscribed");
    presenceWith(observer, 1);

    List<LiveProbe> crowd = new java.util.ArrayList<>();
    for (int i = 0; i < 25; i++) {
      User member = user();
      post(ann, "/api/cotonomas/" + key + "/members", new JsonObject().put("email", member.email()));
      // Spread over both replicas while the second one lives (another test terminates it).
      LiveProbe probe = connect(i % 2 == 1 && gateway2 != null ? gateway2 : gateway, null, member.token(), null);
      probe.send(new JsonObject().put("type", "subscribe").put("timeline", "cotonoma:" + key));
      probe.next("subscribed");
      crowd.add(probe);
    }
    int frames = 0;
    JsonObject presence;
    do {
      presence = observer.next("presence");
      frames++;
    } while (presence.getInteger("count") < 26);
    assertEquals(26, presence.getInteger("count"));
    List<String> listed = presence.getJsonArray("viewers").stream().map(JsonObject.class::cast)
        .map(v -> v.getString("userId")).toList();
    assertEquals(20, listed.size(), "at most 20 listed");
    assertEquals(listed.stream().sorted().toList(), listed, "by name (all alike here), then user id");
    assertTrue(frames < 25, "joins within an interval are sent together: " + frames + " frames for 25 joins");
    for (LiveProbe probe : crowd) {
      probe.ws.close();
    }
    observer.ws.close();
  }

  private static JsonObject presenceWith(LiveProbe probe, int viewers) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      JsonObject presence = probe.next("presence");
      if (presence.getInteger("count") == viewers) {
        return presence;
      }
    }
    throw new AssertionError("no presence with " + viewers + " viewer(s)");
  }

  @Test
  @DisplayName("Losing membership ends the subscription, a revoked session closes the socket, and an anonymous visitor back after a while is told to resync")
  void endings() throws Exception {
    User ann = user();
    User bob = user();
    String key = post(ann, "/api/cotonomas", new JsonObject().put("name", "end-" + ann.id().substring(0, 6)))
        .bodyAsJsonObject().getString("key");
    post(ann, "/api/cotonomas/" + key + "/members", new JsonObject().put("email", bob.email()));
    LiveProbe bobSocket = connect(null, bob.token(), null);
    bobSocket.send(new JsonObject().put("type", "subscribe").put("timeline", "cotonoma:" + key));
    bobSocket.next("subscribed");
    assertEquals(204, http.send(http.client().delete("/api/cotonomas/" + key + "/members/" + bob.email())
        .putHeader("Authorization", "Bearer " + ann.token())).statusCode());
    JsonObject ended = bobSocket.next("unsubscribed");
    assertEquals("cotonoma:" + key, ended.getString("timeline"));
    assertEquals("ended", ended.getString("reason"));

    // What auth-service publishes at sign-out (the session id is in the token).
    String sid = new JsonObject(new String(java.util.Base64.getUrlDecoder().decode(bob.token().split("\\.")[1]),
        java.nio.charset.StandardCharsets.UTF_8)).getString("sid");
    coto.vertx().eventBus().publish(io.cotoami.common.bus.Addresses.SESSION_REVOKED,
        new JsonObject().put("sessionId", sid).put("until", System.currentTimeMillis() + 60_000));
    assertEquals((short) 1008, bobSocket.closed.poll(15, TimeUnit.SECONDS));

    HttpResponse<Buffer> posted = http.send(http.client().post("/api/cotos").putHeader("Content-Type", "application/json"),
        Buffer.buffer(new JsonObject().put("content", "anon").encode()));
    String cookie = posted.cookies().stream().filter(c -> c.startsWith("anonymous_id=")).findFirst().orElseThrow();
    LiveProbe anonymous = connect(ORIGIN, null, cookie.substring(0, cookie.indexOf(';')));
    anonymous.send(new JsonObject().put("type", "subscribe").put("timeline", "home").put("lastEventId", 0));
    assertEquals("home", anonymous.next("resync").getString("timeline"));
    anonymous.ws.close();
  }

  @Test
  @DisplayName("An anonymous visitor follows their own home only")
  void anonymous() throws Exception {
    HttpResponse<Buffer> posted = http.send(http.client().post("/api/cotos").putHeader("Content-Type", "application/json"),
        Buffer.buffer(new JsonObject().put("content", "anon 1").encode()));
    String cookie = posted.cookies().stream().filter(c -> c.startsWith("anonymous_id=")).findFirst().orElseThrow();
    cookie = cookie.substring(0, cookie.indexOf(';'));
    LiveProbe socket = connect(ORIGIN, null, cookie);
    socket.send(new JsonObject().put("type", "subscribe").put("timeline", "cotonoma:whatever"));
    assertTrue(socket.next("error").getJsonObject("problem").getString("type").endsWith("unauthorized"));
    socket.send(new JsonObject().put("type", "subscribe").put("timeline", "home"));
    socket.next("subscribed");
    http.send(http.client().post("/api/cotos").putHeader("Content-Type", "application/json").putHeader("Cookie", cookie),
        Buffer.buffer(new JsonObject().put("content", "anon 2").encode()));
    assertEquals("anon 2", socket.next("event").getJsonObject("event").getJsonObject("coto").getString("content"));
    socket.ws.close();
  }

  @Test
  @DisplayName("An open live socket is not a request in flight: a draining gateway does not wait its grace period out for sockets")
  void socketsDoNotHoldTheDrain() throws Exception {
    int before = gateway.requestsInFlight();
    LiveProbe socket = connect(ORIGIN, null, null);
    socket.send(new JsonObject().put("type", "ping"));
    socket.next("pong");
    try {
      assertTrue(gateway.requestsInFlight() <= before, "in flight with the socket open: "
          + gateway.requestsInFlight() + ", before it: " + before);
    } finally {
      socket.ws.close();
    }
  }
}
