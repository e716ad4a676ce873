package io.cotoami.coto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cotoami.common.bus.Addresses;
import io.cotoami.common.bus.TimelineEventType;
import io.cotoami.common.config.ConfigException;
import io.cotoami.common.config.PgConfig;
import io.cotoami.common.runtime.ServiceInstance;
import io.cotoami.infra.OnContext;
import io.cotoami.infra.PostgresServer;
import io.cotoami.infra.RedisServer;
import io.cotoami.infra.SessionKeyPair;
import io.cotoami.infra.TestConfigs;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.UUID;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** coto-service alone, on real embedded PostgreSQL and Redis, through its own HTTP API. */
class CotoServiceTest {
  private static CotoServiceHarness harness;
  private static PostgresServer postgres;
  private static RedisServer redis;
  private static PgConfig pg;
  private static SessionKeyPair keys;
  private static ServiceInstance service;
  private static Vertx clientVertx;
  /** Where every request of the clients here starts (OnContext says why). */
  private static OnContext calls;
  private static WebClient client;
  /** The management port: health, readiness and metrics. */
  private static WebClient management;

  @BeforeAll
  static void start() throws Exception {
    harness = CotoServiceHarness.start(Map.of());
    postgres = harness.postgres();
    redis = harness.redis();
    pg = harness.pg();
    keys = harness.keys();
    service = harness.service();
    clientVertx = harness.clientVertx();
    calls = harness.calls();
    client = harness.client();
    management = harness.management();
  }

  @AfterAll
  static void stop() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  @DisplayName("An anonymous visitor posts a coto, gets an anonymous_id cookie, and only that cookie reads it back")
  void anonymousPostAndRead() throws Exception {
    HttpResponse<Buffer> posted = post(null, new JsonObject().put("content", "first thought").put("summary", "sum"));
    assertEquals(201, posted.statusCode());
    String cookie = posted.cookies().stream().filter(c -> c.startsWith("anonymous_id=")).findFirst().orElseThrow();
    assertTrue(cookie.contains("HTTPOnly") || cookie.contains("HttpOnly"), cookie);
    assertTrue(cookie.contains("SameSite=Lax"), cookie);
    String anonymousId = cookie.substring(0, cookie.indexOf(';'));
    JsonObject coto = posted.bodyAsJsonObject();
    assertEquals("first thought", coto.getString("content"));
    assertEquals("sum", coto.getString("summary"));
    assertTrue(coto.getBoolean("anonymous"));

    JsonArray mine = get("/api/cotos", anonymousId).bodyAsJsonObject().getJsonArray("cotos");
    assertEquals(1, mine.size());
    assertEquals(coto.getString("id"), mine.getJsonObject(0).getString("id"));
    assertEquals(0, get("/api/cotos", null).bodyAsJsonObject().getJsonArray("cotos").size());
    assertEquals(0, get("/api/cotos", "anonymous_id=AAAAAAAAAAAAAAAAAAAAAA").bodyAsJsonObject()
        .getJsonArray("cotos").size());
  }

  @Test
  @DisplayName("At sign-in the anonymous cotos move into the user's home in their order, exactly once, even when the move is sent twice at once and again later")
  void anonymousCotosMoveOnce() throws Exception {
    HttpResponse<Buffer> first = post(null, new JsonObject().put("content", "one"));
    String cookie = first.cookies().get(0);
    cookie = cookie.substring(0, cookie.indexOf(';'));
    post(cookie, new JsonObject().put("content", "two").put("summary", "2"));
    post(cookie, new JsonObject().put("content", "three"));
    String anonymousId = cookie.substring("anonymous_id=".length());
    String userId = java.util.UUID.randomUUID().toString();
    JsonObject move = new JsonObject().put("anonymousId", anonymousId).put("userId", userId);

    var bus = service.vertx().eventBus();
    var both = io.vertx.core.Future.all(bus.<JsonObject>request(Addresses.ANONYMOUS_COTOS_MOVE, move),
        bus.<JsonObject>request(Addresses.ANONYMOUS_COTOS_MOVE, move));
    await(both.toCompletionStage().toCompletableFuture());
    JsonObject again = await(bus.<JsonObject>request(Addresses.ANONYMOUS_COTOS_MOVE, move)
        .toCompletionStage().toCompletableFuture()).body();
    assertEquals(0, again.getInteger("moved"), "nothing is left to move");

    String token = keys.token(clientVertx, userId, "mover@example.com", "mover");
    JsonArray home = calls.await(() -> client.get("/api/cotos")
        .putHeader("Authorization", "Bearer " + token).send()).bodyAsJsonObject().getJsonArray("cotos");
    assertEquals(3, home.size(), home.encodePrettily());
    assertEquals("three", home.getJsonObject(0).getString("content"));
    assertEquals("two", home.getJsonObject(1).getString("content"));
    assertEquals("2", home.getJsonObject(1).getString("summary"));
    assertEquals("one", home.getJsonObject(2).getString("content"));
    assertEquals(0, get("/api/cotos", cookie).bodyAsJsonObject().getJsonArray("cotos").size(),
        "the anonymous copy is gone");

    try {
      await(bus.request(Addresses.ANONYMOUS_COTOS_MOVE, new JsonObject().put("anonymousId", "x").put("userId", userId))
          .toCompletionStage().toCompletableFuture());
      throw new AssertionError("a malformed move was accepted");
    } catch (java.util.concurrent.ExecutionException e) {
      assertEquals(400, ((io.vertx.core.eventbus.ReplyException) e.getCause()).failureCode());
    }
  }

  @Test
  @DisplayName("A visitor's 250 anonymous cotos move, all of them, in their order and exactly once, though two moves run at once; a move reads a page of 100 at a time")
  void anonymousCotosMoveInPages() throws Exception {
    String cookie = null;
    for (int i = 0; i < 250; i++) {
      HttpResponse<Buffer> posted = post(cookie, new JsonObject().put("content", "paged " + i));
      assertEquals(201, posted.statusCode(), posted.bodyAsString());
      if (cookie == null) {
        cookie = posted.cookies().get(0).substring(0, posted.cookies().get(0).indexOf(';'));
      }
    }
    String userId = java.util.UUID.randomUUID().toString();
    JsonObject move = new JsonObject().put("anonymousId", cookie.substring("anonymous_id=".length()))
        .put("userId", userId);
    var bus = service.vertx().eventBus();
    var both = io.vertx.core.Future.all(bus.<JsonObject>request(Addresses.ANONYMOUS_COTOS_MOVE, move),
        bus.<JsonObject>request(Addresses.ANONYMOUS_COTOS_MOVE, move));
    await(both.toCompletionStage().toCompletableFuture());

    String token = keys.token(clientVertx, userId, "pages@example.com", "pages");
    java.util.List<String> contents = new java.util.ArrayList<>();
    String next = null;
    do {
      String path = "/api/cotos?limit=100" + (next == null ? "" : "&before=" + next);
      JsonObject page = calls.await(() -> client.get(path).putHeader("Authorization", "Bearer " + token).send())
          .bodyAsJsonObject();
      page.getJsonArray("cotos").forEach(c -> contents.add(((JsonObject) c).getString("content")));
      next = page.getString("next");
    } while (next != null);
    assertEquals(250, contents.size());
    for (int i = 0; i < 250; i++) {
      assertEquals("paged " + (249 - i), contents.get(i));
    }

    // Another visitor's 150, moved alone, are read a page at a time: two reads (100, then 50),
    // never all at once.
    String other = null;
    for (int i = 0; i < 150; i++) {
      HttpResponse<Buffer> posted = post(other, new JsonObject().put("content", "other " + i));
      other = other != null ? other : posted.cookies().get(0).substring(0, posted.cookies().get(0).indexOf(';'));
    }
    long readsBefore = timelineReads();
    await(bus.<JsonObject>request(Addresses.ANONYMOUS_COTOS_MOVE, new JsonObject()
        .put("anonymousId", other.substring("anonymous_id=".length()))
        .put("userId", java.util.UUID.randomUUID().toString())).toCompletionStage().toCompletableFuture());
    assertEquals(2, timelineReads() - readsBefore, "page reads of the visitor's timeline (pages of 100)");
  }

  /** How many times Redis has run ZRANGEBYSCORE, the page read of a visitor's timeline. */
  private static long timelineReads() throws Exception {
    Redis connection = Redis.createClient(clientVertx, redis.config().url());
    String stats;
    try {
      stats = await(RedisAPI.api(connection).info(java.util.List.of("commandstats"))
          .toCompletionStage().toCompletableFuture()).toString();
    } finally {
      connection.close();
    }
    return stats.lines().filter(l -> l.startsWith("cmdstat_zrangebyscore:")).findFirst()
        .map(l -> Long.parseLong(l.replaceAll("^cmdstat_zrangebyscore:calls=(\\d+).*", "$1"))).orElse(0L);
  }

  @Test
  @DisplayName("An anonymous visitor reads, edits and deletes their own coto by id; another browser gets 404 and changes nothing")
  void anonymousCotoById() throws Exception {
    HttpResponse<Buffer> posted = post(null, new JsonObject().put("content", "draft").put("summary", "s"));
    String cookie = posted.cookies().get(0);
    cookie = cookie.substring(0, cookie.indexOf(';'));
    String id = posted.bodyAsJsonObject().getString("id");
    String path = "/api/cotos/" + id;
    String stranger = "anonymous_id=BBBBBBBBBBBBBBBBBBBBBB";

    assertEquals("draft", get(path, cookie).bodyAsJsonObject().getString("content"));
    assertProblem(get(path, null), 404, "not-found");
    assertProblem(get(path, stranger), 404, "not-found");
    assertProblem(get("/api/cotos/no-such-id", cookie), 404, "not-found");

    assertProblem(put(path, stranger, new JsonObject().put("content", "hijacked")), 404, "not-found");
    assertProblem(put(path, cookie, new JsonObject().put("content", " ")), 400, "validation");
    HttpResponse<Buffer> edited = put(path, cookie, new JsonObject().put("content", "final"));
    assertEquals(200, edited.statusCode(), edited.bodyAsString());
    assertEquals("final", edited.bodyAsJsonObject().getString("content"));
    assertNull(edited.bodyAsJsonObject().getString("summary"), "a summary not sent is cleared, as for signed-in cotos");
    assertNotNull(edited.bodyAsJsonObject().getString("updatedAt"));
    JsonObject listed = get("/api/cotos", cookie).bodyAsJsonObject().getJsonArray("cotos").getJsonObject(0);
    assertEquals("final", listed.getString("content"));

    assertProblem(delete(path, stranger), 404, "not-found");
    assertEquals(200, get(path, cookie).statusCode(), "a stranger's delete changed nothing");
    assertEquals(204, delete(path, cookie).statusCode());
    assertProblem(get(path, cookie), 404, "not-found");
    assertProblem(delete(path, cookie), 404, "not-found");
    assertEquals(0, get("/api/cotos", cookie).bodyAsJsonObject().getJsonArray("cotos").size());
  }

  @Test
  @DisplayName("Script tags and SQL-looking text are stored and returned exactly as typed")
  void contentIsVerbatim() throws Exception {
    String content = "<script>alert('x')</script> '; DROP TABLE cotos; -- <img src=x onerror=alert(1)>";
    HttpResponse<Buffer> posted = post(null, new JsonObject().put("content", content));
    String cookie = posted.cookies().get(0);
    assertEquals(content, posted.bodyAsJsonObject().getString("content"));
    assertEquals(content, get("/api/cotos", cookie.substring(0, cookie.indexOf(';'))).bodyAsJsonObject()
        .getJsonArray("cotos").getJsonObject(0).getString("content"));
  }

  @Test
  @DisplayName("Pages of the home timeline, newest first, cover every coto exactly once")
  void pagination() throws Exception {
    HttpResponse<Buffer> first = post(null, new JsonObject().put("content", "coto 0"));
    String cookie = first.cookies().get(0);
    cookie = cookie.substring(0, cookie.indexOf(';'));
    for (int i = 1; i < 5; i++) {
      assertEquals(201, post(cookie, new JsonObject().put("content", "coto " + i)).statusCode());
    }
    Set<String> seen = new HashSet<>();
    String next = null;
    int pages = 0;
    String previousContent = "coto 5";
    do {
      JsonObject page = get("/api/cotos?limit=2" + (next == null ? "" : "&before=" + next), cookie).bodyAsJsonObject();
      for (Object item : page.getJsonArray("cotos")) {
        JsonObject coto = (JsonObject) item;
        assertTrue(seen.add(coto.getString("id")), "no duplicate across pages");
        assertTrue(coto.getString("content").compareTo(previousContent) < 0, "newest first");
        previousContent = coto.getString("content");
      }
      next = page.getString("next");
      pages++;
    } while (next != null && pages < 10);
    assertEquals(5, seen.size());
  }

  @Test
  @DisplayName("Bad input gets problem+json with the right status and type, and nothing is stored")
  void badInput() throws Exception {
    assertProblem(post(null, new JsonObject().put("content", "  ")), 400, "validation");
    assertProblem(post(null, new JsonObject().put("content", "x".repeat(2501))), 400, "validation");
    assertProblem(post(null, new JsonObject().put("content", "ok").put("summary", "s".repeat(201))), 400, "validation");
    assertProblem(post(null, new JsonObject().put("content", 42)), 400, "validation");
    assertProblem(send(HttpMethod.POST, "/api/cotos", "application/json", Buffer.buffer("{\"content\":")), 400,
        "malformed-json");
    assertProblem(send(HttpMethod.POST, "/api/cotos", "application/json", Buffer.buffer("[1,2]")), 400,
        "malformed-json");
    assertProblem(send(HttpMethod.POST, "/api/cotos", "text/plain", Buffer.buffer("hello")), 415,
        "unsupported-media-type");
    String huge = new JsonObject().put("content", "x".repeat(70 * 1024)).encode();
    assertProblem(send(HttpMethod.POST, "/api/cotos", "application/json", Buffer.buffer(huge)), 413,
        "payload-too-large");
    assertProblem(get("/api/cotos?limit=0", null), 400, "validation");
    assertProblem(get("/api/cotos?limit=101", null), 400, "validation");
    assertProblem(get("/api/cotos?before=garbage", null), 400, "invalid-cursor");
    assertProblem(get("/api/nothing-here", null), 404, "not-found");
  }

  @Test
  @DisplayName("Posting publishes one coto-posted event on the bus with the timeline and an event id")
  void postingPublishesAnEvent() throws Exception {
    java.util.Queue<JsonObject> received = new java.util.concurrent.ConcurrentLinkedQueue<>();
    var consumer = service.vertx().eventBus().<JsonObject>consumer(TimelineEventType.COTO_POSTED.address(), m -> received.add(m.body()));
    await(consumer.completion().toCompletionStage().toCompletableFuture());
    HttpResponse<Buffer> posted = post(null, new JsonObject().put("content", "event me"));
    String id = posted.bodyAsJsonObject().getString("id");
    // Events of other tests' posts may still arrive: wait for this one's.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    JsonObject event = null;
    while (event == null && System.nanoTime() < deadline) {
      event = received.stream().filter(e -> id.equals(e.getJsonObject("coto").getString("id"))).findFirst().orElse(null);
      TimeUnit.MILLISECONDS.sleep(event == null ? 20 : 0);
    }
    consumer.unregister();
    assertNotNull(event, "the coto-posted event arrives");
    assertTrue(event.getString("timeline").matches("anonymous:[0-9a-f]{32}"), event.getString("timeline"));
    assertEquals(1L, event.getLong("eventId"));
    assertEquals("coto-posted", event.getString("type"));
  }

  @Test
  @DisplayName("coto-service refuses to start without the public key sessions are verified with")
  void sessionKeyRequired() {
    Map<String, String> withoutKey = new HashMap<>(TestConfigs.env(TestConfigs.newClusterName(),
        TestConfigs.stores(pg, redis)));
    withoutKey.remove("JWT_PUBLIC_KEY_FILE");
    ConfigException e = assertThrows(ConfigException.class,
        () -> CotoServiceConfig.fromEnv(new io.cotoami.common.config.Env(withoutKey)));
    assertTrue(e.getMessage().contains("JWT_PUBLIC_KEY_FILE"), e.getMessage());
  }

  @Test
  @DisplayName("A request reaching coto-service directly with a token it cannot verify cannot act as anyone: 401 invalid-session")
  void forgedTokensAreRefused() throws Exception {
    SessionKeyPair other = SessionKeyPair.generate();
    String victim = UUID.randomUUID().toString();
    String forged = other.token(clientVertx, victim, "victim@example.com", "victim");
    for (String auth : new String[] {"Bearer " + forged, "Bearer garbage", "Bearer " + forged.substring(0, forged.length() - 4)}) {
      HttpResponse<Buffer> home = calls.await(() -> client.get("/api/cotos").putHeader("Authorization", auth).send());
      assertProblem(home, 401, "invalid-session");
    }
    HttpResponse<Buffer> viaCookie = get("/api/cotos", "cotoami_session=" + forged);
    assertProblem(viaCookie, 401, "invalid-session");
    String valid = keys.token(clientVertx, victim, "victim@example.com", "victim");
    HttpResponse<Buffer> home = calls.await(() -> client.get("/api/cotos")
        .putHeader("Authorization", "Bearer " + valid).send());
    assertEquals(200, home.statusCode(), home.bodyAsString());
  }

  @Test
  @DisplayName("Anonymous visitors cannot create cotonomas or post in one: 401 problem")
  void anonymousCannotUseCotonomas() throws Exception {
    HttpResponse<Buffer> created = calls.await(() -> client.post("/api/cotonomas")
        .putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer(new JsonObject().put("name", "room").encode())));
    assertProblem(created, 401, "unauthorized");
    assertProblem(post(null, new JsonObject().put("content", "x").put("cotonomaKey", "abcdefghijklmnopqrstuv")),
        401, "unauthorized");
  }

  @Test
  @DisplayName("Health, readiness with its checks, and Prometheus metrics are served on the management port, not the public one")
  void healthAndMetrics() throws Exception {
    for (String path : new String[] {"/health/live", "/health/ready", "/metrics"}) {
      assertEquals(404, get(path, null).statusCode(), "public " + path);
    }
    assertEquals(200, manage("/health/live").statusCode());
    HttpResponse<Buffer> ready = manage("/health/ready");
    assertEquals(200, ready.statusCode(), ready.bodyAsString());
    String checks = ready.bodyAsString();
    assertTrue(checks.contains("postgresql") && checks.contains("redis") && checks.contains("cluster"), checks);
    String metrics = manage("/metrics").bodyAsString();
    assertTrue(metrics.contains("vertx_http_server_requests_total"), "HTTP metrics");
    assertTrue(metrics.contains("vertx_pool_"), "pool metrics");
    assertTrue(metrics.contains("jvm_memory_used_bytes"), "JVM metrics");
  }

  @Test
  @DisplayName("Migrations ran at start: the coto schema has its tables and a versioned history")
  void migrationsRan() throws Exception {
    try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
         ResultSet rs = c.createStatement().executeQuery(
             "SELECT version, success FROM coto.flyway_schema_history WHERE version IS NOT NULL ORDER BY installed_rank")) {
      assertTrue(rs.next());
      assertEquals("1", rs.getString("version"));
      assertTrue(rs.getBoolean("success"));
      assertTrue(rs.next());
      assertEquals("2", rs.getString("version"));
      assertTrue(rs.getBoolean("success"));
    }
    try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
         ResultSet rs = c.createStatement().executeQuery("SELECT to_regclass('coto.cotos') AS a, to_regclass('coto.cotonomas') AS b, "
             + "to_regclass('coto.members') AS c, to_regclass('coto.timeline_events') AS d")) {
      assertTrue(rs.next());
      for (String column : new String[] {"a", "b", "c", "d"}) {
        assertNotNull(rs.getString(column), column);
      }
    }
  }

  @Test
  @DisplayName("Readiness goes false while Redis is down and true again when it returns, without a restart")
  void readinessFollowsRedis() throws Exception {
    redis.stop();
    try {
      assertTrue(poll("/health/ready", 503), "not ready while Redis is down");
      HttpResponse<Buffer> failed = post(null, new JsonObject().put("content", "while down"));
      assertProblem(failed, 503, "service-unavailable");
      assertEquals("1", failed.getHeader("Retry-After"));
    } finally {
      redis.restart();
    }
    assertTrue(poll("/health/ready", 200), "ready again");
    assertEquals(201, post(null, new JsonObject().put("content", "after")).statusCode());
  }

  private static boolean poll(String path, int status) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (manage(path).statusCode() == status) {
        return true;
      }
      Thread.onSpinWait();
      TimeUnit.MILLISECONDS.sleep(100);
    }
    return false;
  }

  private static void assertProblem(HttpResponse<Buffer> response, int status, String slug) {
    assertEquals(status, response.statusCode(), response.bodyAsString());
    assertEquals("application/problem+json", response.getHeader("Content-Type"));
    JsonObject problem = response.bodyAsJsonObject();
    assertEquals("urn:cotoami:problem:" + slug, problem.getString("type"));
    assertEquals(status, problem.getInteger("status"));
    assertNotNull(problem.getString("title"));
    assertTrue(!problem.encode().contains("Exception"), "no internals in the body");
  }

  private static HttpResponse<Buffer> post(String cookie, JsonObject body) throws Exception {
    var request = client.post("/api/cotos").putHeader("Content-Type", "application/json");
    if (cookie != null) {
      request.putHeader("Cookie", cookie);
    }
    return calls.await(() -> request.sendBuffer(Buffer.buffer(body.encode())));
  }

  private static HttpResponse<Buffer> send(HttpMethod method, String path, String type, Buffer body) throws Exception {
    return calls.await(() -> client.request(method, path).putHeader("Content-Type", type).sendBuffer(body));
  }

  private static HttpResponse<Buffer> put(String path, String cookie, JsonObject body) throws Exception {
    var request = client.put(path).putHeader("Content-Type", "application/json");
    if (cookie != null) {
      request.putHeader("Cookie", cookie);
    }
    return calls.await(() -> request.sendBuffer(Buffer.buffer(body.encode())));
  }

  private static HttpResponse<Buffer> delete(String path, String cookie) throws Exception {
    var request = client.delete(path);
    if (cookie != null) {
      request.putHeader("Cookie", cookie);
    }
    return calls.await(() -> request.send());
  }

  private static HttpResponse<Buffer> manage(String path) throws Exception {
    return calls.await(() -> management.get(path).send());
  }

  private static HttpResponse<Buffer> get(String path, String cookie) throws Exception {
    var request = client.get(path);
    if (cookie != null) {
      request.putHeader("Cookie", cookie);
    }
    return calls.await(() -> request.send());
  }

  private static <T> T await(CompletableFuture<T> future) throws Exception {
    return future.get(90, TimeUnit.SECONDS);
  }
}
