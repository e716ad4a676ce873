package io.cotoami.system;

import static io.cotoami.system.ApiAsserts.created;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cotoami.auth.AuthServiceConfig;
import io.cotoami.auth.AuthServiceMain;
import io.cotoami.common.config.PgConfig;
import io.cotoami.common.runtime.ServiceInstance;
import io.cotoami.coto.CotoServiceConfig;
import io.cotoami.coto.CotoServiceMain;
import io.cotoami.gateway.GatewayConfig;
import io.cotoami.gateway.GatewayMain;
import io.cotoami.infra.Eventually;
import io.cotoami.infra.LogCapture;
import io.cotoami.infra.PostgresServer;
import io.cotoami.infra.ReceivedMail;
import io.cotoami.infra.RedisServer;
import io.cotoami.infra.SessionKeyPair;
import io.cotoami.infra.SmtpServer;
import io.cotoami.infra.TestConfigs;
import io.cotoami.mail.MailServiceConfig;
import io.cotoami.mail.MailServiceMain;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Personal access tokens end to end: a gateway, two coto-service instances, auth-service and
 * mail-service as clustered nodes on embedded PostgreSQL, Redis and SMTP. The owner signs in by
 * the mailed link as a browser; the token is then used as a script would, as a bearer.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class AccessTokenSystemTest {
  private static final String CLUSTER = TestConfigs.newClusterName();
  private static final String ORIGIN = "http://localhost:8080";
  private static final String TOKENS = "/api/users/me/tokens";
  private static final Pattern LINK = Pattern.compile("http://localhost:8080/signin/([A-Za-z0-9_-]{43})");
  private static final SessionKeyPair KEYS = SessionKeyPair.generate();
  private static PostgresServer postgres;
  private static RedisServer redis;
  private static SmtpServer smtp;
  private static PgConfig pg;
  private static Map<String, String> stores;
  private static ServiceInstance gateway;
  private static ServiceInstance coto1;
  private static ServiceInstance coto2;
  private static ServiceInstance auth;
  private static ServiceInstance mail;
  private static Http http;
  private static LogCapture logs;
  /** Straight to one instance, not through the gateway: made once, closed with the rest. */
  private static WebClient plain;
  private static RedisAPI redisApi;

  @BeforeAll
  static void start() throws Exception {
    logs = LogCapture.start();
    postgres = PostgresServer.startTemporary();
    redis = RedisServer.startTemporary();
    smtp = SmtpServer.start(0);
    pg = postgres.ensureDatabase("cotoami", "cotoami", "secret");
    stores = new HashMap<>(TestConfigs.stores(pg, redis));
    stores.putAll(KEYS.env());
    Map<String, String> authEnv = new HashMap<>(stores);
    authEnv.put("SIGNIN_IP_LIMIT", "1000");
    Map<String, String> mailEnv = new HashMap<>();
    mailEnv.put("REDIS_URL", redis.config().url());
    mailEnv.put("SMTP_HOST", "127.0.0.1");
    mailEnv.put("SMTP_PORT", String.valueOf(smtp.port()));
    mailEnv.put("SMTP_STARTTLS", "disabled");
    List<ServiceInstance> started = Http.await(Future.all(List.of(
        GatewayMain.start(GatewayConfig.fromEnv(TestConfigs.of(CLUSTER, KEYS.env()))),
        startCoto(),
        startCoto(),
        AuthServiceMain.start(AuthServiceConfig.fromEnv(TestConfigs.of(CLUSTER, authEnv))),
        MailServiceMain.start(MailServiceConfig.fromEnv(TestConfigs.of(CLUSTER, mailEnv)))))).list();
    gateway = started.get(0);
    coto1 = started.get(1);
    coto2 = started.get(2);
    auth = started.get(3);
    mail = started.get(4);
    http = new Http(gateway.httpPort());
    http.until("/api/instances", r -> r.bodyAsString().contains("auth-service")
        && r.bodyAsString().contains("coto-service"), 30);
    for (ServiceInstance instance : started) {
      ready(instance);
    }
  }

  private static Future<ServiceInstance> startCoto() {
    return CotoServiceMain.start(CotoServiceConfig.fromEnv(TestConfigs.of(CLUSTER, stores)));
  }

  private static void ready(ServiceInstance instance) throws Exception {
    try (Http management = new Http(instance.managementPort())) {
      management.until("/health/ready", r -> r.statusCode() == 200, 60);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (plain != null) {
      plain.close();
    }
    if (redisApi != null) {
      redisApi.close();
    }
    Http.shutdown(gateway, coto1, coto2, auth, mail);
    if (http != null) {
      http.close();
    }
    if (logs != null) {
      logs.close();
    }
    smtp.close();
    redis.close();
    postgres.close();
  }

  @Test
  @DisplayName("A read-write token posts and reads as a bearer and follows the live home; it is in the answer that made it only, stored only as its SHA-256, never in Redis or a log line, and listed with its last use")
  void aTokenWorksAndIsShownOnce() throws Exception {
    String cookie = signIn();
    HttpResponse<Buffer> made = make(cookie, new JsonObject().put("name", "backup script").put("scope", "read-write"));
    assertEquals(201, made.statusCode(), made.bodyAsString());
    assertEquals("no-store", made.getHeader("Cache-Control"));
    JsonObject created = made.bodyAsJsonObject();
    String token = created.getString("token");
    assertNotNull(token);
    assertNull(created.getValue("expiresAt"), "no expiry asked: none");

    HttpResponse<Buffer> posted = bearer(token, HttpMethod.POST, "/api/cotos", new JsonObject().put("content", "by script"));
    assertEquals(201, posted.statusCode(), posted.bodyAsString());
    assertEquals(List.of(), posted.headers().getAll("Set-Cookie"), "a bearer client gets no cookie");
    assertEquals("by script", bearer(token, HttpMethod.GET, "/api/cotos", null).bodyAsJsonObject()
        .getJsonArray("cotos").getJsonObject(0).getString("content"));
    JsonObject session = bearer(token, HttpMethod.GET, "/api/session", null).bodyAsJsonObject();
    assertFalse(session.getBoolean("anonymous"));
    assertFalse(session.containsKey("expiresAt"), "no expiry: " + session.encode());
    LiveProbe live = connect(token);
    live.subscribe("home", null);
    live.next("subscribed");
    live.ws.close();

    Eventually.holds(() -> {
      JsonObject listed = listed(cookie, created.getString("id"));
      return listed != null && listed.getValue("lastUsedAt") != null;
    });
    HttpResponse<Buffer> list = send(cookie, HttpMethod.GET, TOKENS, null);
    assertFalse(list.bodyAsString().contains(token), "the list never shows the token");
    JsonObject listed = listed(cookie, created.getString("id"));
    assertEquals("backup script", listed.getString("name"));
    assertEquals("read-write", listed.getString("scope"));
    assertFalse(listed.containsKey("token"));

    String table = table("SELECT * FROM auth.access_tokens");
    assertTrue(table.contains(created.getString("id")), "the dump read the table: " + table);
    assertFalse(table.contains(token), "the token at rest in PostgreSQL");
    assertTrue(table.contains(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
        .digest(token.getBytes(StandardCharsets.US_ASCII)))), "its SHA-256 is what is kept");
    assertFalse(redisDump().contains(token), "the token in Redis");
    assertFalse(logs.text().contains(token), "the token in a log line");
  }

  @Test
  @DisplayName("A read token reads everywhere but every write is 403 insufficient-scope, on coto-service and auth-service; no token makes, lists or revokes tokens, signs out, or comes back renewed as a session")
  void scopesAreEnforced() throws Exception {
    String cookie = signIn();
    String reader = created(make(cookie, new JsonObject().put("name", "reader").put("scope", "read")
        .put("expiresAt", Instant.now().plusSeconds(120).toString()))).getString("token");
    String writer = created(make(cookie, new JsonObject().put("name", "writer").put("scope", "read-write")))
        .getString("token");
    assertEquals(200, bearer(reader, HttpMethod.GET, "/api/cotos", null).statusCode());
    assertEquals(200, bearer(reader, HttpMethod.GET, "/api/users/me", null).statusCode());
    assertProblem(bearer(reader, HttpMethod.POST, "/api/cotos", new JsonObject().put("content", "no")), 403,
        "insufficient-scope");
    assertProblem(bearer(reader, HttpMethod.POST, "/api/cotonomas", new JsonObject().put("name", "no")), 403,
        "insufficient-scope");
    assertProblem(bearer(reader, HttpMethod.PUT, "/api/users/me", new JsonObject().put("name", "no")), 403,
        "insufficient-scope");
    assertEquals(0, bearer(writer, HttpMethod.GET, "/api/cotos", null).bodyAsJsonObject().getJsonArray("cotos").size(),
        "nothing was posted by the read token");

    for (String token : List.of(reader, writer)) {
      assertProblem(bearer(token, HttpMethod.POST, TOKENS, new JsonObject().put("name", "x").put("scope", "read-write")),
          403, "insufficient-scope");
      assertProblem(bearer(token, HttpMethod.GET, TOKENS, null), 403, "insufficient-scope");
      String someId = listed(cookie, null).getString("id");
      assertProblem(bearer(token, HttpMethod.DELETE, TOKENS + "/" + someId, null), 403, "insufficient-scope");
    }
    assertProblem(bearer(writer, HttpMethod.POST, "/api/auth/signout?everywhere=true", null), 403, "insufficient-scope");
    // Less than half of SESSION_TTL is left: a session would be renewed here; a token never is.
    JsonObject session = bearer(reader, HttpMethod.GET, "/api/session", null).bodyAsJsonObject();
    assertFalse(session.getBoolean("anonymous"));
    assertFalse(session.containsKey("token"), "a token came back as a session: " + session.encode());
    JsonObject renamed = bearer(writer, HttpMethod.PUT, "/api/users/me",
        new JsonObject().put("name", "Renamed").put("email", "evil@example.com")).bodyAsJsonObject();
    assertEquals("Renamed", renamed.getString("name"));
    assertFalse(renamed.getString("email").startsWith("evil"), "the email is not changed by a token");
    assertEquals(2, send(cookie, HttpMethod.GET, TOKENS, null).bodyAsJsonObject().getJsonArray("tokens").size());
  }

  @Test
  @DisplayName("A revoked token is refused by both coto-service instances, auth-service and the gateway within the revocation bound, and its open socket closes (1008); signing out everywhere leaves tokens working; a revocation outlives the Redis stream for an instance started later")
  void revocationHoldsEverywhere() throws Exception {
    String cookie = signIn();
    JsonObject created = created(make(cookie, new JsonObject().put("name", "ci").put("scope", "read-write")));
    String token = created.getString("token");
    String other = created(make(cookie, new JsonObject().put("name", "other").put("scope", "read"))).getString("token");
    List<ServiceInstance> apis = List.of(coto1, coto2, auth);
    for (ServiceInstance instance : apis) {
      assertEquals(200, direct(instance, token).statusCode(), "works on every instance first");
    }

    LiveProbe live = connect(token);
    live.subscribe("home", null);
    live.next("subscribed");
    long revokedAt = System.nanoTime();
    assertEquals(204, send(cookie, HttpMethod.DELETE, TOKENS + "/" + created.getString("id"), null).statusCode());
    // The documented bound is REVOCATIONS_MAX_STALENESS (5 s); the event usually lands at once.
    for (ServiceInstance instance : apis) {
      Eventually.holds(() -> status(instance, token) == 401);
    }
    assertTrue(System.nanoTime() - revokedAt < TimeUnit.SECONDS.toNanos(5) * 3,
        "refused everywhere within the bound (with a margin for a loaded machine)");
    assertEquals(401, bearer(token, HttpMethod.GET, "/api/cotos", null).statusCode());
    assertEquals(Short.valueOf((short) 1008), live.closed.poll(15, TimeUnit.SECONDS), "its open socket is closed");
    assertEquals(401, upgradeStatus(token), "the WebSocket refuses it too");
    assertEquals(204, send(cookie, HttpMethod.DELETE, TOKENS + "/" + created.getString("id"), null).statusCode(),
        "revoking again is harmless");
    assertEquals(null, listed(cookie, created.getString("id")), "a revoked token leaves the list");
    assertEquals(200, bearer(other, HttpMethod.GET, "/api/cotos", null).statusCode(), "only that token");

    assertEquals(204, send(cookie, HttpMethod.POST, "/api/auth/signout?everywhere=true", null).statusCode());
    assertEquals(401, send(cookie, HttpMethod.GET, TOKENS, null).statusCode(), "the session is over");
    assertEquals(200, bearer(other, HttpMethod.GET, "/api/cotos", null).statusCode(),
        "signing out everywhere ends sign-in sessions, not tokens");

    // The stream keeps one session lifetime; a token's revocation must outlive it.
    RedisAPI client = redis();
    Http.await(client.del(List.of("auth:revocations")));
    ServiceInstance later = Http.await(startCoto());
    try {
      ready(later);
      assertEquals(401, direct(later, token).statusCode(), "an instance that never saw the event refuses it");
      assertEquals(200, direct(later, other).statusCode());
    } finally {
      Http.await(later.shutdown());
    }
  }

  @Test
  @DisplayName("A token past its expiry is refused with 401, an expiry in the past or a bad scope is 400, and without a session nothing is made")
  void expiryAndValidation() throws Exception {
    String cookie = signIn();
    assertProblem(make(cookie, new JsonObject().put("name", "x").put("scope", "admin")), 400, "validation");
    assertProblem(make(cookie, new JsonObject().put("name", "x").put("scope", "read")
        .put("expiresAt", "2020-01-01T00:00:00Z")), 400, "validation");
    assertProblem(make(cookie, new JsonObject().put("name", " ").put("scope", "read")), 400, "validation");
    assertProblem(send(null, HttpMethod.POST, TOKENS, new JsonObject().put("name", "x").put("scope", "read")), 401,
        "unauthorized");
    Instant expiry = Instant.now().plusSeconds(2);
    JsonObject created = created(make(cookie, new JsonObject().put("name", "short").put("scope", "read")
        .put("expiresAt", expiry.toString())));
    assertTrue(created.getString("expiresAt").matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.000Z"),
        created.encode());
    String token = created.getString("token");
    assertEquals(200, bearer(token, HttpMethod.GET, "/api/cotos", null).statusCode());
    Eventually.holds(() -> Instant.now().isAfter(expiry.plusSeconds(1)));
    assertProblem(bearer(token, HttpMethod.GET, "/api/cotos", null), 401, "invalid-session");
  }

  // --- helpers

  /** Signs in a new person by the mailed link, as a browser; the session cookie. */
  private static String signIn() throws Exception {
    String email = "pat-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    int before = mailsTo(email).size();
    assertEquals(202, send(null, HttpMethod.POST, "/api/auth/signin-requests", new JsonObject().put("email", email))
        .statusCode());
    Eventually.holds(() -> mailsTo(email).size() > before);
    List<ReceivedMail> mails = mailsTo(email);
    Matcher link = LINK.matcher(mails.get(mails.size() - 1).text());
    assertTrue(link.find());
    HttpResponse<Buffer> created = send(null, HttpMethod.POST, "/api/auth/sessions",
        new JsonObject().put("token", link.group(1)));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    String setCookie = created.cookies().stream().filter(c -> c.startsWith("cotoami_session=")).findFirst()
        .orElseThrow();
    return setCookie.substring(0, setCookie.indexOf(';'));
  }

  private static HttpResponse<Buffer> make(String cookie, JsonObject body) throws Exception {
    return send(cookie, HttpMethod.POST, TOKENS, body);
  }

  /** The listed token with this id (null: the first one), or null when it is not listed. */
  private static JsonObject listed(String cookie, String id) {
    try {
      JsonArray tokens = send(cookie, HttpMethod.GET, TOKENS, null).bodyAsJsonObject().getJsonArray("tokens");
      return tokens.stream().map(JsonObject.class::cast).filter(t -> id == null || id.equals(t.getString("id")))
          .findFirst().orElse(null);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** A request as the browser: the session cookie and this site's Origin. */
  private static HttpResponse<Buffer> send(String cookie, HttpMethod method, String path, JsonObject body)
      throws Exception {
    HttpRequest<Buffer> request = http.client().request(method, path).putHeader("Origin", ORIGIN);
    if (cookie != null) {
      request.putHeader("Cookie", cookie);
    }
    return body == null ? http.send(request)
        : http.send(request.putHeader("Content-Type", "application/json"), body.toBuffer());
  }

  /** A request as a script: the token as a bearer, no Origin, no cookie. */
  private static HttpResponse<Buffer> bearer(String token, HttpMethod method, String path, JsonObject body)
      throws Exception {
    HttpRequest<Buffer> request = http.client().request(method, path).putHeader("Authorization", "Bearer " + token);
    return body == null ? http.send(request)
        : http.send(request.putHeader("Content-Type", "application/json"), body.toBuffer());
  }

  /** A read with the token straight to one instance (its public port), past the gateway. */
  private static HttpResponse<Buffer> direct(ServiceInstance instance, String token) throws Exception {
    String path = instance == auth ? "/api/users/me" : "/api/cotos";
    // Not through the gateway, so not a contract exchange: a plain client.
    if (plain == null) {
      plain = WebClient.create(gateway.vertx());
    }
    return http.send(plain.get(instance.httpPort(), "127.0.0.1", path)
        .putHeader("Authorization", "Bearer " + token));
  }

  private static int status(ServiceInstance instance, String token) {
    try {
      return direct(instance, token).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  private static LiveProbe connect(String token) throws Exception {
    WebSocketClient client = gateway.vertx().createWebSocketClient();
    return new LiveProbe(Http.await(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1")
        .setPort(gateway.httpPort()).setURI("/api/ws").addHeader("Authorization", "Bearer " + token))));
  }

  /** The status of a refused WebSocket handshake; 101 when it was accepted. */
  private static int upgradeStatus(String token) throws Exception {
    try {
      connect(token).ws.close();
      return 101;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UpgradeRejectedException rejected) {
        return rejected.getStatus();
      }
      throw e;
    }
  }

  private static void assertProblem(HttpResponse<Buffer> response, int status, String slug) {
    assertEquals(status, response.statusCode(), response.bodyAsString());
    assertEquals("urn:cotoami:problem:" + slug, response.bodyAsJsonObject().getString("type"), response.bodyAsString());
  }

  private static String table(String sql) throws Exception {
    StringBuilder out = new StringBuilder();
    try (Connection connection = DriverManager.getConnection("jdbc:postgresql://" + pg.host() + ":" + pg.port() + "/"
        + pg.database(), pg.user(), pg.password()); Statement statement = connection.createStatement();
         ResultSet rows = statement.executeQuery(sql)) {
      int columns = rows.getMetaData().getColumnCount();
      while (rows.next()) {
        for (int i = 1; i <= columns; i++) {
          Object value = rows.getObject(i);
          out.append(value instanceof byte[] bytes ? HexFormat.of().formatHex(bytes) : String.valueOf(value)).append(' ');
        }
        out.append('\n');
      }
    }
    return out.toString();
  }

  private static String redisDump() throws Exception {
    RedisAPI client = redis();
    StringBuilder out = new StringBuilder();
    for (var key : Http.await(client.keys("*"))) {
      String name = key.toString();
      String type = Http.await(client.type(name)).toString();
      out.append(name).append(' ');
      switch (type) {
        case "string" -> out.append(Http.await(client.get(name)));
        case "stream" -> out.append(Http.await(client.xrange(List.of(name, "-", "+"))));
        case "hash" -> out.append(Http.await(client.hgetall(name)));
        default -> out.append(type);
      }
      out.append('\n');
    }
    return out.toString();
  }

  /** A Redis client on the gateway's Vert.x (no Vert.x of its own to leak), closed with the rest. */
  private static RedisAPI redis() {
    if (redisApi == null) {
      redisApi = RedisAPI.api(Redis.createClient(gateway.vertx(), redis.config().url()));
    }
    return redisApi;
  }

  private static List<ReceivedMail> mailsTo(String email) {
    return smtp.inbox().stream().filter(m -> m.to().contains(email)).toList();
  }
}
