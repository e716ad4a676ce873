package io.cotoami.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cotoami.auth.AuthServiceConfig;
import io.cotoami.auth.AuthServiceMain;
import io.cotoami.common.config.PgConfig;
import io.cotoami.common.runtime.ServiceInstance;
import io.cotoami.coto.CotoServiceConfig;
import io.cotoami.coto.CotoServiceMain;
import io.cotoami.gateway.GatewayConfig;
import io.cotoami.gateway.GatewayMain;
import io.cotoami.infra.OnContext;
import io.cotoami.infra.PostgresServer;
import io.cotoami.infra.ReceivedMail;
import io.cotoami.infra.RedisServer;
import io.cotoami.infra.SessionKeyPair;
import io.cotoami.infra.SmtpServer;
import io.cotoami.infra.TestConfigs;
import io.cotoami.mail.MailServiceConfig;
import io.cotoami.mail.MailServiceMain;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Hostile anonymous traffic against the whole system, through the gateway: anonymous cotos live in
 * a Redis of their own, bounded, with quotas per visitor and a write limit per client address,
 * while sign-in, on the main Redis, keeps working. Clients bind distinct loopback addresses
 * 127.0.0.x and forge X-Forwarded-For; every service trusts only 127.0.0.1 (the gateway's own
 * address), as compose and the Kubernetes base are configured, so the gateway passes on the
 * client's real address and nothing a client writes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class AnonymousLimitsTest {
  private static final String CLUSTER = TestConfigs.newClusterName();
  private static final String ORIGIN = "http://localhost:8080";
  private static final Pattern LINK = Pattern.compile("http://localhost:8080/signin/([A-Za-z0-9_-]{43})");
  private static final long ANON_MAXMEMORY = 3L * 1024 * 1024;
  /**
   * ANONYMOUS_STORE_LIMIT: 1 MiB below maxmemory, for Redis's client buffers, which grow with the
   * writes in flight (about 8 KiB each: the script, the coto, the answer; 50 here).
   */
  private static final long STORE_LIMIT = 2L * 1024 * 1024;
  private static final int QUOTA_COTOS = 20;
  private static final int WRITE_LIMIT = 300;
  /** TRUSTED_PROXIES as deployed (docker-compose.yml, k8s/base/config.yaml). */
  private static final Map<String, String> AS_DEPLOYED = Map.of("TRUSTED_PROXIES", "127.0.0.1/32,::1/128");
  private static PostgresServer postgres;
  private static RedisServer redis;
  private static RedisServer anonRedis;
  private static SmtpServer smtp;
  private static List<ServiceInstance> started;
  private static Http http;
  private static Vertx vertx;
  /** Where every request of the raw clients below starts (never the JUnit thread: see {@link Http}). */
  private static OnContext calls;
  private static RedisAPI main;
  private static RedisAPI anon;
  /** Checks every exchange of the raw clients below, as {@link Http} does its own. */
  private static ContractCheckedClient contract;

  @BeforeAll
  static void start() throws Exception {
    postgres = PostgresServer.startTemporary();
    redis = RedisServer.startTemporary(64L * 1024 * 1024);
    anonRedis = RedisServer.startTemporary(ANON_MAXMEMORY);
    smtp = SmtpServer.start(0);
    PgConfig pg = postgres.ensureDatabase("cotoami", "cotoami", "secret");
    SessionKeyPair keys = SessionKeyPair.generate();
    Map<String, String> authEnv = new HashMap<>(TestConfigs.stores(pg, redis));
    authEnv.putAll(keys.env());
    authEnv.put("SIGNIN_IP_LIMIT", "1000");
    authEnv.putAll(AS_DEPLOYED);
    Map<String, String> cotoEnv = new HashMap<>(TestConfigs.stores(pg, redis));
    cotoEnv.putAll(keys.env());
    cotoEnv.put("ANON_REDIS_URL", anonRedis.config().url());
    cotoEnv.put("ANONYMOUS_QUOTA_COTOS", String.valueOf(QUOTA_COTOS));
    cotoEnv.put("ANONYMOUS_QUOTA_BYTES", "32k");
    cotoEnv.put("ANONYMOUS_WRITE_LIMIT", String.valueOf(WRITE_LIMIT));
    cotoEnv.put("ANONYMOUS_WRITE_WINDOW", "1m");
    cotoEnv.putAll(AS_DEPLOYED);
    cotoEnv.put("ANONYMOUS_STORE_LIMIT", String.valueOf(STORE_LIMIT));
    Map<String, String> mailEnv = Map.of("REDIS_URL", redis.config().url(), "SMTP_HOST", "127.0.0.1",
        "SMTP_PORT", String.valueOf(smtp.port()), "SMTP_STARTTLS", "disabled");
    started = Http.await(Future.all(
        GatewayMain.start(GatewayConfig.fromEnv(TestConfigs.of(CLUSTER, AS_DEPLOYED))),
        AuthServiceMain.start(AuthServiceConfig.fromEnv(TestConfigs.of(CLUSTER, authEnv))),
        MailServiceMain.start(MailServiceConfig.fromEnv(TestConfigs.of(CLUSTER, mailEnv))),
        CotoServiceMain.start(CotoServiceConfig.fromEnv(TestConfigs.of(CLUSTER, cotoEnv))))).list();
    http = new Http(started.get(0).httpPort());
    http.until("/api/instances", r -> r.bodyAsString().contains("auth-service")
        && r.bodyAsString().contains("coto-service"), 90);
    // Sessions are served once every instance has read the revoked sessions from auth-service.
    Http.awaitReady(started, 90);
    vertx = Vertx.vertx();
    calls = new OnContext(vertx);
    contract = new ContractCheckedClient(vertx);
    main = RedisAPI.api(Redis.createClient(vertx, redis.config().url()));
    anon = RedisAPI.api(Redis.createClient(vertx, anonRedis.config().url()));
  }

  @AfterAll
  static void stop() throws Exception {
    if (started != null) {
      Http.shutdown(started.get(0), started.get(1), started.get(2), started.get(3));
    }
    if (http != null) {
      http.close();
    }
    if (vertx != null) {
      vertx.close();
    }
    smtp.close();
    anonRedis.close();
    redis.close();
    postgres.close();
    if (contract != null) {
      contract.close();
    }
  }

  @Test
  @Order(1)
  @DisplayName("A visitor over their quota of cotos, or of bytes, gets 429 anonymous-quota-exceeded with Retry-After; deleting one makes room")
  void quotaPerVisitor() throws Exception {
    WebClient client = clientFrom("127.0.0.2");
    HttpResponse<Buffer> first = post(client, null, "coto 0", null);
    assertEquals(201, first.statusCode(), first.bodyAsString());
    String cookie = anonymousCookie(first);
    for (int i = 1; i < QUOTA_COTOS; i++) {
      assertEquals(201, post(client, cookie, "coto " + i, null).statusCode());
    }
    HttpResponse<Buffer> over = post(client, cookie, "one too many", null);
    assertRefused(over, 429, "urn:cotoami:problem:anonymous-quota-exceeded");

    assertEquals(204, Http.await(Http.start(calls, client.delete("/api/cotos/" + first.bodyAsJsonObject()
        .getString("id")).putHeader("Cookie", cookie), null)).statusCode());
    assertEquals(201, post(client, cookie, "room again", null).statusCode());

    // 32 KiB of bodies: a dozen cotos of 2,500 characters, far below the count.
    String big = "x".repeat(2500);
    HttpResponse<Buffer> firstBig = post(client, null, big, null);
    String bigCookie = anonymousCookie(firstBig);
    int accepted = 1;
    HttpResponse<Buffer> last = firstBig;
    while (last.statusCode() == 201 && accepted < QUOTA_COTOS) {
      last = post(client, bigCookie, big, null);
      accepted += last.statusCode() == 201 ? 1 : 0;
    }
    assertRefused(last, 429, "urn:cotoami:problem:anonymous-quota-exceeded");
    assertTrue(accepted >= 10 && accepted <= 13, "accepted " + accepted + " cotos of 2,500 bytes in 32 KiB");
  }

  @Test
  @Order(2)
  @DisplayName("One address posting anonymously past the write limit gets 429 with Retry-After, whatever cookies and X-Forwarded-For it sends; another address still posts")
  void rateLimitPerAddress() throws Exception {
    WebClient client = clientFrom("127.0.0.3");
    int created = 0;
    HttpResponse<Buffer> last = null;
    for (int i = 0; i <= WRITE_LIMIT; i++) {
      last = Http.await(Http.start(calls, client.post("/api/cotos").putHeader("Content-Type", "application/json")
          .putHeader("X-Forwarded-For", forged(i)),
          Buffer.buffer(new JsonObject().put("content", "fresh visitor " + i).encode())));
      created += last.statusCode() == 201 ? 1 : 0;
    }
    assertEquals(WRITE_LIMIT, created);
    assertRefused(last, 429, "urn:cotoami:problem:too-many-requests");
    assertTrue(Long.parseLong(last.getHeader("Retry-After")) <= 60, last.getHeader("Retry-After"));
    assertEquals(201, post(clientFrom("127.0.0.4"), null, "another address", null).statusCode());
  }

  @Test
  @Order(3)
  @DisplayName("Concurrent anonymous retries with one clientId make one coto, answered to each of them with its id")
  void clientIdMakesRetriesSafe() throws Exception {
    WebClient client = clientFrom("127.0.0.5");
    String cookie = anonymousCookie(post(client, null, "before", null));
    List<Future<HttpResponse<Buffer>>> retries = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      retries.add(Http.start(calls, client.post("/api/cotos").putHeader("Content-Type", "application/json")
          .putHeader("Cookie", cookie),
          Buffer.buffer(new JsonObject().put("content", "once").put("clientId", "retry-1").encode())));
    }
    Set<String> ids = ConcurrentHashMap.newKeySet();
    for (Future<HttpResponse<Buffer>> retry : retries) {
      HttpResponse<Buffer> answer = Http.await(retry);
      assertEquals(201, answer.statusCode(), answer.bodyAsString());
      ids.add(answer.bodyAsJsonObject().getString("id"));
    }
    assertEquals(1, ids.size(), ids.toString());
    HttpResponse<Buffer> home = Http.await(Http.start(calls, client.get("/api/cotos").putHeader("Cookie", cookie),
        null));
    assertEquals(2, home.bodyAsJsonObject().getJsonArray("cotos").size(), home.bodyAsString());
    assertEquals(ids.iterator().next(), Http.await(Http.start(calls, client.post("/api/cotos")
        .putHeader("Content-Type", "application/json").putHeader("Cookie", cookie),
        Buffer.buffer(new JsonObject().put("content", "once").put("clientId", "retry-1").encode())))
        .bodyAsJsonObject().getString("id"));
  }

  @Test
  @Order(4)
  @DisplayName("10,000 hostile anonymous posts through the gateway from 50 addresses and thousands of fresh visitors: the anonymous store refuses with 503 and Retry-After below its limit, so Redis never reaches its maxmemory nor answers OOM; the main Redis holds none of it, and sign-in works throughout")
  void floodStaysBounded() throws Exception {
    long mainBefore = usedMemory(main);
    List<WebClient> clients = new ArrayList<>();
    for (int i = 10; i < 60; i++) {
      clients.add(contract.check(WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
          .setDefaultPort(started.get(0).httpPort()).setLocalAddress("127.0.0." + i).setKeepAlive(true),
          new PoolOptions().setHttp1MaxSize(1))));
    }
    ch.qos.logback.classic.Logger accessLog = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
        .getLogger(ServiceInstance.class);
    ch.qos.logback.classic.Level level = accessLog.getLevel();
    accessLog.setLevel(ch.qos.logback.classic.Level.WARN);
    Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    AtomicReference<String> unexpected = new AtomicReference<>();
    String content = "flood ".repeat(400);
    AtomicInteger sent = new AtomicInteger();
    List<Future<Void>> lanes = new ArrayList<>();
    for (int i = 0; i < clients.size(); i++) {
      lanes.add(floodFrom(clients.get(i), "127.0.0." + (10 + i), content, 200, sent, statuses, unexpected));
    }
    Future<Void> flood = Future.all(lanes).mapEmpty();
    long floodStart = System.nanoTime();
    int signins = 0;
    try {
      while (!flood.isComplete() || signins < 3) {
        long round = System.nanoTime();
        signIn("flood-" + signins + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com");
        signins++;
        System.out.println("flood: " + sent.get() + " posts sent after " + elapsed(floodStart) + " s, sign-in " + signins
            + " took " + elapsed(round) + " s");
        TimeUnit.MILLISECONDS.sleep(Math.max(0, 1000 - (System.nanoTime() - round) / 1_000_000));
      }
      Http.await(flood);
    } finally {
      accessLog.setLevel(level);
    }

    assertEquals(null, unexpected.get());
    assertEquals(10_000, sent.get());
    assertTrue(statuses.containsKey(201) && statuses.containsKey(503), statuses.toString());
    assertTrue(statuses.getOrDefault(-503, new AtomicInteger()).get() <= 100,
        "at most 1% missed a store deadline (-503): " + statuses);
    JsonObject memory = info(anon);
    long peak = memory.getLong("used_memory_peak");
    // The store refuses at its limit, before Redis would at its maxmemory.
    assertTrue(peak < ANON_MAXMEMORY, "anonymous Redis peaked at " + peak + " of " + ANON_MAXMEMORY);
    String errors = Http.await(anon.info(List.of("errorstats"))).toString();
    assertFalse(errors.contains("errorstat_OOM"), "Redis never refused a write itself: " + errors);
    assertEquals(0, Http.await(main.keys("anon*")).size(), "no anonymous key in the main Redis");
    assertTrue(usedMemory(main) - mainBefore < 2L * 1024 * 1024, "the main Redis did not grow with the flood");
    System.out.println("flood: " + statuses + " in " + elapsed(floodStart) + " s, anonymous Redis peak " + peak
        + " bytes of " + ANON_MAXMEMORY + " (limit " + STORE_LIMIT + "), " + signins + " sign-ins");

    // Full, a fresh visitor is refused too (once what the flood's last buffers freed is filled).
    WebClient reader = clientFrom("127.0.0.6");
    HttpResponse<Buffer> refused = post(reader, null, "while full " + content, null);
    for (int i = 0; i < 100 && refused.statusCode() == 201; i++) {
      refused = post(reader, null, "while full " + i + " " + content, null);
    }
    assertRefused(refused, 503, "urn:cotoami:problem:anonymous-store-full");
    Http.await(anon.flushall(List.of()));
    assertEquals(201, post(reader, null, "room again", null).statusCode());
  }

  /**
   * Posts {@code count} cotos from one address, one at a time, a fresh visitor every 5 posts.
   */
  private static Future<Void> floodFrom(WebClient client, String address, String content, int count,
      AtomicInteger sent, Map<Integer, AtomicInteger> statuses, AtomicReference<String> unexpected) {
    return floodLane(client, address, content, count, null, sent, statuses, unexpected);
  }

  private static Future<Void> floodLane(WebClient client, String address, String content, int left, String cookie,
      AtomicInteger sent, Map<Integer, AtomicInteger> statuses, AtomicReference<String> unexpected) {
    if (left == 0) {
      return Future.succeededFuture();
    }
    // A forged X-Forwarded-For, new on every post: were it believed, the write limit would count
    // every post as another address.
    var request = client.post("/api/cotos").putHeader("Content-Type", "application/json")
        .putHeader("X-Forwarded-For", forged(sent.get()));
    if (cookie != null) {
      request.putHeader("Cookie", cookie);
    }
    return Http.start(calls, request, Buffer.buffer(new JsonObject().put("content", content + left).encode()))
        .compose(answer -> {
          sent.incrementAndGet();
          boolean full = answer.statusCode() == 503 && answer.getHeader("Retry-After") != null
              && answer.bodyAsString().contains("anonymous-store-full");
          // On a loaded test machine a post may miss its store deadline: 503 service-unavailable,
          // the documented answer to a store too slow; counted apart, and held to a few.
          boolean tooSlow = answer.statusCode() == 503 && answer.bodyAsString().contains("problem:service-unavailable");
          statuses.computeIfAbsent(tooSlow ? -503 : answer.statusCode(), s -> new AtomicInteger()).incrementAndGet();
          if (answer.statusCode() != 201 && !full && !tooSlow) {
            unexpected.compareAndSet(null, answer.statusCode() + " " + answer.bodyAsString());
          }
          String next = left % 5 == 1 ? null : cookie != null ? cookie : answer.statusCode() == 201
              ? anonymousCookie(answer) : null;
          return floodLane(client, address, content, left - 1, next, sent, statuses, unexpected);
        });
  }

  /** A whole sign-in: the request (202), the mail, the redemption (201) and the session read back. */
  private static void signIn(String email) throws Exception {
    HttpResponse<Buffer> requested = http.send(http.client().post("/api/auth/signin-requests")
        .putHeader("Content-Type", "application/json").putHeader("Origin", ORIGIN),
            Buffer.buffer(new JsonObject().put("email", email).encode()));
    assertEquals(202, requested.statusCode(), requested.bodyAsString());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    String token = null;
    while (token == null) {
      assertTrue(System.nanoTime() < deadline, "no sign-in mail to " + email + " within 20 s");
      for (ReceivedMail mail : smtp.inbox()) {
        Matcher link = LINK.matcher(mail.text());
        if (mail.to().contains(email) && link.find()) {
          token = link.group(1);
        }
      }
      TimeUnit.MILLISECONDS.sleep(20);
    }
    HttpResponse<Buffer> session = http.send(http.client().post("/api/auth/sessions")
        .putHeader("Content-Type", "application/json").putHeader("Origin", ORIGIN),
            Buffer.buffer(new JsonObject().put("token", token).put("client", "mobile").encode()));
    assertEquals(201, session.statusCode(), session.bodyAsString());
    HttpResponse<Buffer> me = http.send(http.client().get("/api/session")
        .putHeader("Authorization", "Bearer " + session.bodyAsJsonObject().getString("token")));
    assertFalse(me.bodyAsJsonObject().getBoolean("anonymous"), me.bodyAsString());
  }

  private static String forged(int n) {
    return "10." + (n >> 16 & 0xff) + "." + (n >> 8 & 0xff) + "." + (n & 0xff);
  }

  private static long elapsed(long since) {
    return (System.nanoTime() - since) / 1_000_000_000;
  }

  private static WebClient clientFrom(String localAddress) {
    return contract.check(WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(started.get(0).httpPort()).setLocalAddress(localAddress).setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(5)));
  }

  private static HttpResponse<Buffer> post(WebClient client, String cookie, String content, String clientId)
      throws Exception {
    var request = client.post("/api/cotos").putHeader("Content-Type", "application/json");
    if (cookie != null) {
      request.putHeader("Cookie", cookie);
    }
    JsonObject body = new JsonObject().put("content", content);
    if (clientId != null) {
      body.put("clientId", clientId);
    }
    return Http.await(Http.start(calls, request, Buffer.buffer(body.encode())));
  }

  private static void assertRefused(HttpResponse<Buffer> answer, int status, String type) {
    assertEquals(status, answer.statusCode(), answer.bodyAsString());
    assertTrue(answer.getHeader("Content-Type").startsWith("application/problem+json"));
    assertEquals(type, answer.bodyAsJsonObject().getString("type"));
    assertTrue(Long.parseLong(answer.getHeader("Retry-After")) > 0, answer.getHeader("Retry-After"));
  }

  private static String anonymousCookie(HttpResponse<Buffer> answer) {
    String cookie = answer.cookies().stream().filter(c -> c.startsWith("anonymous_id=")).findFirst().orElseThrow();
    return cookie.substring(0, cookie.indexOf(';'));
  }

  private static long usedMemory(RedisAPI redis) throws Exception {
    return info(redis).getLong("used_memory");
  }

  private static JsonObject info(RedisAPI redis) throws Exception {
    JsonObject fields = new JsonObject();
    for (String line : Http.await(redis.info(List.of("memory"))).toString().split("\r?\n")) {
      String[] pair = line.split(":", 2);
      if (pair.length == 2 && pair[1].matches("\\d+")) {
        fields.put(pair[0], Long.parseLong(pair[1]));
      }
    }
    return fields;
  }
}
