package io.cotoami.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cotoami.auth.AuthServiceConfig;
import io.cotoami.auth.AuthServiceMain;
import io.cotoami.common.config.PgConfig;
import io.cotoami.common.runtime.ServiceInstance;
import io.cotoami.gateway.GatewayConfig;
import io.cotoami.gateway.GatewayMain;
import io.cotoami.infra.Eventually;
import io.cotoami.infra.FreePorts;
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
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What an attacker with the logs, a copy of Redis or a forged header gets from sign-in: a gateway,
 * auth-service and mail-service as clustered nodes on embedded PostgreSQL, Redis (append-only
 * file on) and SMTP. The test client plays the Ingress (127.0.0.1, the gateway's only trusted
 * proxy) and, from 127.0.0.2, a client that reaches the gateway directly.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SigninSecretsTest {
  private static final String CLUSTER = TestConfigs.newClusterName();
  private static final String ORIGIN = "http://localhost:8080";
  private static final Pattern LINK = Pattern.compile("http://localhost:8080/signin/([A-Za-z0-9_-]{43})");
  private static Path redisDir;
  private static PostgresServer postgres;
  private static RedisServer redis;
  private static SmtpServer smtp;
  private static ServiceInstance gateway;
  private static ServiceInstance auth;
  private static ServiceInstance mail;
  private static Http http;
  private static WebClient direct;
  /** The Vert.x of {@link #direct} and of the test's Redis reads, closed after all. */
  private static Vertx directVertx;
  private static LogCapture logs;

  @BeforeAll
  static void start() throws Exception {
    logs = LogCapture.start();
    redisDir = Files.createTempDirectory("cotoami-redis-secrets-");
    postgres = PostgresServer.startTemporary();
    redis = RedisServer.startPersistent(redisDir, FreePorts.next());
    smtp = SmtpServer.start(0);
    PgConfig pg = postgres.ensureDatabase("cotoami", "cotoami", "secret");
    Map<String, String> authEnv = new HashMap<>(TestConfigs.stores(pg, redis));
    SessionKeyPair keys = SessionKeyPair.generate();
    authEnv.putAll(keys.env());
    authEnv.put("SIGNIN_IP_LIMIT", "3");
    Map<String, String> mailEnv = new HashMap<>();
    mailEnv.put("REDIS_URL", redis.config().url());
    mailEnv.put("SMTP_HOST", "127.0.0.1");
    mailEnv.put("SMTP_PORT", String.valueOf(smtp.port()));
    mailEnv.put("SMTP_STARTTLS", "disabled");
    Map<String, String> gatewayEnv = new HashMap<>(keys.env());
    gatewayEnv.put("TRUSTED_PROXIES", "127.0.0.1/32");
    List<ServiceInstance> started = Http.await(Future.all(
        GatewayMain.start(GatewayConfig.fromEnv(TestConfigs.of(CLUSTER, gatewayEnv))),
        AuthServiceMain.start(AuthServiceConfig.fromEnv(TestConfigs.of(CLUSTER, authEnv))),
        MailServiceMain.start(MailServiceConfig.fromEnv(TestConfigs.of(CLUSTER, mailEnv))))).list();
    gateway = started.get(0);
    auth = started.get(1);
    mail = started.get(2);
    http = new Http(gateway.httpPort());
    directVertx = Vertx.vertx();
    direct = WebClient.create(directVertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(gateway.httpPort()).setLocalAddress("127.0.0.2"));
    http.until("/api/instances", r -> r.bodyAsString().contains("auth-service"), 30);
    // Sessions are served once every instance has read the revoked sessions from auth-service.
    Http.awaitReady(started, 60);
  }

  @AfterAll
  static void stop() throws Exception {
    if (directVertx != null) {
      directVertx.close().toCompletionStage().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
    }
    Http.shutdown(gateway, auth, mail);
    if (http != null) {
      http.close();
    }
    if (logs != null) {
      logs.close();
    }
    smtp.close();
    redis.close();
    postgres.close();
    try (Stream<Path> files = Files.walk(redisDir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }

  @Test
  @DisplayName("After the whole sign-in flow through the gateway, no token is in any log line, in any Redis key, value or stream, nor in Redis's append-only file on disk")
  void noTokenAtRestOrInLogs() throws Exception {
    String email = "secret-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    assertEquals(202, send(http.client().post("/api/auth/signin-requests"), new JsonObject().put("email", email))
        .statusCode());
    Eventually.holds(() -> smtp.inbox().stream().anyMatch(m -> m.to().contains(email)));
    ReceivedMail received = smtp.inbox().stream().filter(m -> m.to().contains(email)).findFirst().orElseThrow();
    Matcher link = LINK.matcher(received.text());
    assertTrue(link.find(), received.text());
    String token = link.group(1);

    assertEquals(200, http.get("/signin/" + token).statusCode());
    assertEquals(200, http.get("/signin/" + token + "?token=" + token).statusCode());
    assertEquals(404, http.get("/signin/" + token + "/more").statusCode());
    HttpResponse<Buffer> created = send(http.client().post("/api/auth/sessions"), new JsonObject().put("token", token));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    assertEquals(401, send(http.client().post("/api/auth/sessions"), new JsonObject().put("token", token)).statusCode());

    RedisAPI client = RedisAPI.api(Redis.createClient(directVertx, redis.config().url()));
    String everything = dump(client);
    assertTrue(everything.contains("mail:sent:"), "the dump did read Redis: " + everything.length() + " chars");
    assertFalse(everything.contains(token), "a token in Redis");
    assertFalse(everything.contains(email), "the outbox is sealed: not even the address is readable");

    // Everything written before this marker is in the append-only file once the marker is.
    String marker = UUID.randomUUID().toString();
    Http.await(client.set(List.of("test:aof-marker", marker)));
    Eventually.holds(() -> aof().contains(marker));
    String aof = aof();
    assertTrue(aof.contains("XADD") || aof.contains("xadd"), "the AOF holds the outbox's history");
    assertFalse(aof.contains(token), "a token in the append-only file");

    String logged = logs.text();
    assertFalse(logged.contains(token), "a token in the logs");
    assertTrue(logged.contains("/signin/(redacted)"), "the access log names the path, redacted");
  }

  @Test
  @DisplayName("Behind the trusted Ingress two clients have separate sign-in buckets; a client reaching the gateway directly with a rotating X-Forwarded-For is limited by its own address")
  void clientAddressCannotBeForged() throws Exception {
    for (int i = 0; i < 3; i++) {
      assertEquals(202, signinFrom(http.client().post("/api/auth/signin-requests"), "203.0.113.10").statusCode());
    }
    assertEquals(429, signinFrom(http.client().post("/api/auth/signin-requests"), "203.0.113.10").statusCode());
    assertEquals(202, signinFrom(http.client().post("/api/auth/signin-requests"), "203.0.113.11").statusCode(),
        "another client behind the Ingress has its own bucket");
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      statuses.add(signinFrom(direct.post("/api/auth/signin-requests"), "198.18.1." + i).statusCode());
    }
    assertEquals(List.of(202, 202, 202, 429), statuses, "the forged hops are ignored");
  }

  private static HttpResponse<Buffer> signinFrom(HttpRequest<Buffer> request, String forwardedFor) throws Exception {
    return send(request.putHeader("X-Forwarded-For", forwardedFor),
        new JsonObject().put("email", "bucket-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com"));
  }

  private static HttpResponse<Buffer> send(HttpRequest<Buffer> request, JsonObject body) throws Exception {
    return http.send(request.putHeader("Content-Type", "application/json").putHeader("Origin", ORIGIN),
        Buffer.buffer(body.encode()));
  }

  /** Every key (SCAN), with its value: strings, stream entries (XRANGE), hashes, sets, sorted sets. */
  private static String dump(RedisAPI client) throws Exception {
    StringBuilder out = new StringBuilder();
    String cursor = "0";
    do {
      Response page = Http.await(client.scan(List.of(cursor, "COUNT", "500")));
      cursor = page.get(0).toString();
      for (Response key : page.get(1)) {
        String name = key.toString();
        String type = Http.await(client.type(name)).toString();
        out.append(name).append(' ').append(type).append(' ');
        switch (type) {
          case "string" -> out.append(Http.await(client.get(name)));
          case "stream" -> out.append(Http.await(client.xrange(List.of(name, "-", "+"))));
          case "hash" -> out.append(Http.await(client.hgetall(name)));
          case "set" -> out.append(Http.await(client.smembers(name)));
          case "zset" -> out.append(Http.await(client.zrange(List.of(name, "0", "-1"))));
          case "list" -> out.append(Http.await(client.lrange(name, "0", "-1")));
          default -> out.append('?');
        }
        out.append('\n');
      }
    } while (!cursor.equals("0"));
    return out.toString();
  }

  /** The append-only file(s) as written on disk (Redis 7 keeps several in appendonlydir/). */
  private static String aof() {
    StringBuilder out = new StringBuilder();
    try (Stream<Path> files = Files.walk(redisDir)) {
      for (Path file : files.filter(Files::isRegularFile).filter(f -> f.getFileName().toString().contains("aof"))
          .toList()) {
        out.append(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out.toString();
  }

}
