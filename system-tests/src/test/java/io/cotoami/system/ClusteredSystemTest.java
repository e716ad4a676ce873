package io.cotoami.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cotoami.auth.AuthServiceConfig;
import io.cotoami.auth.AuthServiceMain;
import io.cotoami.common.config.PgConfig;
import io.cotoami.common.runtime.ServiceInstance;
import io.cotoami.coto.CotoServiceConfig;
import io.cotoami.coto.CotoServiceMain;
import io.cotoami.gateway.GatewayConfig;
import io.cotoami.gateway.GatewayMain;
import io.cotoami.infra.PostgresServer;
import io.cotoami.infra.RedisServer;
import io.cotoami.infra.SessionKeyPair;
import io.cotoami.infra.SmtpServer;
import io.cotoami.infra.TestConfigs;
import io.cotoami.mail.MailServiceConfig;
import io.cotoami.mail.MailServiceMain;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The walking skeleton: a gateway, two coto-service instances, auth-service and mail-service, each
 * its own clustered Vert.x node (Hazelcast on loopback), on embedded PostgreSQL, Redis and SMTP.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusteredSystemTest {
  private static final String CLUSTER = TestConfigs.newClusterName();
  private static final SessionKeyPair SESSION_KEYS = SessionKeyPair.generate();
  private static PostgresServer postgres;
  private static RedisServer redis;
  private static SmtpServer smtp;
  private static Map<String, String> stores;
  private static ServiceInstance gateway;
  private static ServiceInstance coto1;
  private static ServiceInstance coto2;
  private static ServiceInstance auth;
  private static ServiceInstance mail;
  private static Http http;

  @BeforeAll
  static void start() throws Exception {
    postgres = PostgresServer.startTemporary();
    redis = RedisServer.startTemporary();
    smtp = SmtpServer.start(0);
    PgConfig pg = postgres.ensureDatabase("cotoami", "cotoami", "secret");
    stores = TestConfigs.stores(pg, redis);
    Map<String, String> authEnv = new HashMap<>(stores);
    authEnv.putAll(io.cotoami.infra.SessionKeyPair.generate().env());
    Map<String, String> mailEnv = new HashMap<>(stores);
    mailEnv.put("SMTP_HOST", "127.0.0.1");
    mailEnv.put("SMTP_PORT", String.valueOf(smtp.port()));
    List<ServiceInstance> started = Http.await(Future.all(
        GatewayMain.start(GatewayConfig.fromEnv(TestConfigs.of(CLUSTER, Map.of("UPSTREAM_TIMEOUT", "3s")))),
        startCoto(),
        startCoto(),
        AuthServiceMain.start(AuthServiceConfig.fromEnv(TestConfigs.of(CLUSTER, authEnv))),
        MailServiceMain.start(MailServiceConfig.fromEnv(TestConfigs.of(CLUSTER, mailEnv))))).list();
    gateway = started.get(0);
    coto1 = started.get(1);
    coto2 = started.get(2);
    auth = started.get(3);
    mail = started.get(4);
    http = new Http(gateway.httpPort());
    // The gateway learns instances from their announcements: wait until it routes to both coto-services.
    http.until("/api/instances", r -> r.bodyAsString().split("coto-service", -1).length - 1 == 2, 30);
  }

  private static Future<ServiceInstance> startCoto() {
    Map<String, String> env = new HashMap<>(stores);
    env.putAll(SESSION_KEYS.env());
    return CotoServiceMain.start(CotoServiceConfig.fromEnv(TestConfigs.of(CLUSTER, env)));
  }

  @AfterAll
  static void stop() throws Exception {
    Http.shutdown(gateway, coto1, coto2, auth, mail);
    if (http != null) {
      http.close();
    }
    smtp.close();
    redis.close();
    postgres.close();
  }

  @Test
  @Order(1)
  @DisplayName("Every node is in one Hazelcast cluster and every instance is ready")
  void oneCluster() throws Exception {
    assertEquals(5, gateway.clusterManager().getNodes().size());
    for (ServiceInstance instance : new ServiceInstance[] {gateway, coto1, coto2, auth, mail}) {
      try (Http direct = new Http(instance.managementPort())) {
        // Ready once it has read the revoked sessions from auth-service, which started alongside.
        HttpResponse<Buffer> ready = direct.until("/health/ready", r -> r.statusCode() == 200, 30);
        assertEquals(200, ready.statusCode(), instance.config().service() + ": " + ready.bodyAsString());
      }
    }
  }

  @Test
  @Order(2)
  @DisplayName("An anonymous visitor posts and reads cotos through the gateway, and the gateway receives the coto-posted event from another node")
  void walkingSkeleton() throws Exception {
    double eventsBefore = eventsReceived();
    HttpResponse<Buffer> posted;
    posted = http.send(http.client().post("/api/cotos")
        .putHeader("Content-Type", "application/json")
        .putHeader("X-Request-Id", "walking-skeleton-1"),
            Buffer.buffer(new JsonObject().put("content", "through the gateway").encode()));
    assertEquals(201, posted.statusCode(), posted.bodyAsString());
    assertEquals("walking-skeleton-1", posted.getHeader("X-Request-Id"));
    String cookie = posted.cookies().get(0);
    cookie = cookie.substring(0, cookie.indexOf(';'));

    // Either coto-service instance answers: anonymous cotos live in the shared Redis.
    for (int i = 0; i < 4; i++) {
      HttpResponse<Buffer> home = http.send(http.client().get("/api/cotos").putHeader("Cookie", cookie));
      assertEquals(200, home.statusCode());
      assertEquals("through the gateway",
          home.bodyAsJsonObject().getJsonArray("cotos").getJsonObject(0).getString("content"));
    }
    try (Http management = new Http(gateway.managementPort())) {
      management.until("/metrics", r -> eventsIn(r.bodyAsString()) >= eventsBefore + 1, 10);
    }
  }

  @Test
  @Order(3)
  @DisplayName("Without affinity, requests are spread over both coto-service instances, and the request id and X-Forwarded headers reach them (credentials are not echoed)")
  void spreadAndForwardedHeaders() throws Exception {
    Set<String> instances = new HashSet<>();
    for (int i = 0; i < 10; i++) {
      HttpResponse<Buffer> debug = http.send(http.client().get("/api/debug/coto-service")
          .putHeader("X-Request-Id", "req-" + i)
          .putHeader("Connection", "keep-alive, X-Secret-Hop")
          .putHeader("X-Secret-Hop", "must not pass")
          .putHeader("Cookie", "cotoami_session=secret-token")
          .putHeader("Authorization", "Bearer secret-token"));
      assertEquals(200, debug.statusCode());
      JsonObject body = debug.bodyAsJsonObject();
      instances.add(body.getString("instanceId"));
      JsonObject headers = lowerCase(body.getJsonObject("headers"));
      assertEquals("req-" + i, headers.getString("x-request-id"));
      assertEquals("127.0.0.1", headers.getString("x-forwarded-for"));
      assertEquals("http", headers.getString("x-forwarded-proto"));
      assertNotNull(headers.getString("x-forwarded-host"));
      assertFalse(headers.containsKey("x-secret-hop"), "headers named in Connection are hop-by-hop");
      assertFalse(debug.bodyAsString().contains("secret-token"), "credentials are never echoed");
      assertEquals("(redacted)", headers.getString("authorization"), "but they did arrive");
    }
    assertEquals(Set.of(coto1.config().instanceId(), coto2.config().instanceId()), instances);
  }

  @Test
  @Order(4)
  @DisplayName("Unknown services and APIs get problem+json 404s from the gateway")
  void unknownRoutes() throws Exception {
    HttpResponse<Buffer> unknown = http.get("/api/debug/nope");
    assertEquals(404, unknown.statusCode());
    assertEquals("application/problem+json", unknown.getHeader("Content-Type"));
    assertEquals(404, http.get("/api/nothing").statusCode());
    assertEquals("urn:cotoami:problem:not-found", http.get("/api/nothing").bodyAsJsonObject().getString("type"));
  }

  @Test
  @Order(4)
  @DisplayName("The debug route holds an answer at most 5 s, and at most 2 at once for one client (as TRUSTED_PROXIES resolves it): a third gets 429 with Retry-After")
  void debugDelayIsBounded() throws Exception {
    assertEquals(400, http.get("/api/debug/coto-service?delay=12000").statusCode(), "over 5 s is refused");
    // Two held answers. Which of the requests reaches the gateway first is not ours to order: a
    // probe may take a place before a held request arrives, which then gets 429 at once and is sent
    // again. Once a probe finds both places taken, the limit is seen.
    String[] services = {"coto-service", "auth-service"};
    List<Future<HttpResponse<Buffer>>> held = new ArrayList<>();
    for (String service : services) {
      held.add(hold(service));
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    HttpResponse<Buffer> third = http.get("/api/debug/mail-service?delay=10");
    while (third.statusCode() != 429) {
      assertTrue(System.nanoTime() < deadline, "no 429 while two answers were held; last: "
          + third.statusCode() + " " + third.bodyAsString());
      for (int i = 0; i < held.size(); i++) {
        if (held.get(i).isComplete()) {
          int status = Http.await(held.get(i)).statusCode();
          assertTrue(status == 200 || status == 429, "a held request answered " + status);
          held.set(i, hold(services[i]));
        }
      }
      third = http.get("/api/debug/mail-service?delay=10");
    }
    assertEquals("5", third.getHeader("Retry-After"));
    assertEquals("urn:cotoami:problem:too-many-requests", third.bodyAsJsonObject().getString("type"));
    assertEquals(200, http.get("/api/debug/coto-service").statusCode(), "without a delay it is not limited");
    // Counted by the client TRUSTED_PROXIES resolves (here loopback is trusted, as a proxy would
    // be), not by the peer: another client behind the same proxy has its own two.
    assertEquals(200, http.send(http.client().get("/api/debug/mail-service?delay=10")
        .putHeader("X-Forwarded-For", "203.0.113.9")).statusCode(), "another client behind the proxy");
    for (Future<HttpResponse<Buffer>> answer : held) {
      assertEquals(200, Http.await(answer).statusCode());
    }
    assertEquals(200, http.get("/api/debug/coto-service?delay=10").statusCode(), "free again once answered");
  }

  /** A debug request to {@code service} held 2 s by it (under this gateway's 3 s UPSTREAM_TIMEOUT), started now. */
  private static Future<HttpResponse<Buffer>> hold(String service) {
    return http.start(http.client().get("/api/debug/" + service + "?delay=2000"), null);
  }

  @Test
  @Order(4)
  @DisplayName("A gateway without DEBUG_ROUTES, as deployed on Kubernetes, answers 404 for /api/debug and /api/instances and routes the API as usual")
  void debugRoutesOff() throws Exception {
    ServiceInstance plain = Http.await(GatewayMain.start(GatewayConfig.fromEnv(TestConfigs.of(CLUSTER,
        Map.of("DEBUG_ROUTES", "false")))));
    try (Http other = new Http(plain.httpPort())) {
      other.until("/api/cotos", r -> r.statusCode() == 200, 30);
      assertEquals(404, other.get("/api/debug/coto-service").statusCode());
      assertEquals(404, other.get("/api/instances").statusCode());
      assertEquals(200, http.get("/api/debug/coto-service").statusCode(), "the test gateway has them on");
    } finally {
      Http.shutdown(plain);
    }
  }

  @Test
  @Order(4)
  @DisplayName("A state-changing request carrying the session cookie from another site, or from nowhere, is refused by the gateway with 403; bearer tokens and our own pages pass")
  void crossSiteRequests() throws Exception {
    Buffer body = Buffer.buffer(new JsonObject().put("content", "csrf").encode());
    HttpResponse<Buffer> foreign = http.send(http.client().post("/api/cotos")
        .putHeader("Content-Type", "application/json").putHeader("Cookie", "cotoami_session=stolen")
        .putHeader("Origin", "https://evil.example"), body);
    assertEquals(403, foreign.statusCode());
    assertEquals("urn:cotoami:problem:cross-site-request", foreign.bodyAsJsonObject().getString("type"));
    HttpResponse<Buffer> noOrigin = http.send(http.client().post("/api/cotos")
        .putHeader("Content-Type", "application/json").putHeader("Cookie", "cotoami_session=stolen"), body);
    assertEquals(403, noOrigin.statusCode());
    HttpResponse<Buffer> ours = http.send(http.client().post("/api/cotos")
        .putHeader("Content-Type", "application/json").putHeader("Cookie", "cotoami_session=stolen")
        .putHeader("Origin", "http://localhost:8080"), body);
    assertEquals(401, ours.statusCode(), "reaches coto-service, which refuses the bad session");
    HttpResponse<Buffer> bearer = http.send(http.client().post("/api/cotos")
        .putHeader("Content-Type", "application/json").putHeader("Authorization", "Bearer not-a-token"), body);
    assertEquals(401, bearer.statusCode(), "no Origin needed with a bearer token");
  }

  @Test
  @Order(5)
  @DisplayName("An instance that leaves is dropped at once and every request keeps succeeding on the other")
  void instanceLeaves() throws Exception {
    Http.await(coto2.shutdown());
    String survivor = coto1.config().instanceId();
    for (int i = 0; i < 20; i++) {
      HttpResponse<Buffer> debug = http.get("/api/debug/coto-service");
      assertEquals(200, debug.statusCode(), debug.bodyAsString());
      assertEquals(survivor, debug.bodyAsJsonObject().getString("instanceId"));
    }
    coto2 = null;
  }

  @Test
  @Order(6)
  @DisplayName("With no instance of a service the gateway answers 503 problem+json with Retry-After, and recovers when one returns")
  void serviceDownAndBack() throws Exception {
    Http.await(mail.shutdown());
    mail = null;
    HttpResponse<Buffer> down = http.get("/api/debug/mail-service");
    assertEquals(503, down.statusCode());
    assertEquals("application/problem+json", down.getHeader("Content-Type"));
    assertNotNull(down.getHeader("Retry-After"));
    try (Http management = new Http(gateway.managementPort())) {
      assertEquals(200, management.get("/health/ready").statusCode(), "the gateway itself stays ready");
    }
    assertEquals(200, http.get("/api/debug/coto-service").statusCode(), "other services are unaffected");

    Map<String, String> authEnv = new HashMap<>(stores);
    authEnv.putAll(io.cotoami.infra.SessionKeyPair.generate().env());
    Map<String, String> mailEnv = new HashMap<>(stores);
    mailEnv.put("SMTP_HOST", "127.0.0.1");
    mailEnv.put("SMTP_PORT", String.valueOf(smtp.port()));
    mail = Http.await(MailServiceMain.start(MailServiceConfig.fromEnv(TestConfigs.of(CLUSTER, mailEnv))));
    HttpResponse<Buffer> back = http.until("/api/debug/mail-service", r -> r.statusCode() == 200, 20);
    assertEquals(mail.config().instanceId(), back.bodyAsJsonObject().getString("instanceId"));
  }

  private static JsonObject lowerCase(JsonObject headers) {
    JsonObject lower = new JsonObject();
    headers.forEach(e -> lower.put(e.getKey().toLowerCase(), e.getValue()));
    return lower;
  }

  private static double eventsReceived() throws Exception {
    try (Http management = new Http(gateway.managementPort())) {
      return eventsIn(management.get("/metrics").bodyAsString());
    }
  }

  private static double eventsIn(String metrics) {
    return metrics.lines()
        .filter(line -> line.startsWith("cotoami_gateway_events_received_total") && line.contains("coto-posted"))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .findFirst().orElse(0);
  }
}
