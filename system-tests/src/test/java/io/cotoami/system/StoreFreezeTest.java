package io.cotoami.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cotoami.auth.AuthServiceConfig;
import io.cotoami.auth.AuthServiceMain;
import io.cotoami.common.config.PgConfig;
import io.cotoami.common.runtime.ServiceInstance;
import io.cotoami.coto.CotoServiceConfig;
import io.cotoami.coto.CotoServiceMain;
import io.cotoami.gateway.GatewayConfig;
import io.cotoami.gateway.GatewayMain;
import io.cotoami.infra.FreePorts;
import io.cotoami.infra.OnContext;
import io.cotoami.infra.PostgresServer;
import io.cotoami.infra.RedisServer;
import io.cotoami.infra.TestConfigs;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * PostgreSQL and Redis frozen (SIGSTOP on the real server processes) for 10 s under load through
 * the gateway: every answer is a success or a 503 with Retry-After, none takes more than 3 s, the
 * system recovers by itself, and what is stored is exactly what was acknowledged: nothing
 * acknowledged lost, nothing answered 503 stored once the store resumes.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class StoreFreezeTest {
  private static final String CLUSTER = TestConfigs.newClusterName();
  private static final String ORIGIN = "http://localhost:8080";
  private static final long FREEZE_MILLIS = 10_000;
  private static final long ANSWER_WITHIN_MILLIS = 3_000;
  private static PostgresServer postgres;
  private static RedisServer redis;
  private static PgConfig pg;
  private static final List<ServiceInstance> instances = new ArrayList<>();
  private static Vertx vertx;
  /** Where every request of {@link #client} starts (never the JUnit thread: see {@link Http}). */
  private static OnContext calls;
  private static final byte[] OUTBOX_KEY = new byte[32];

  static {
    new java.security.SecureRandom().nextBytes(OUTBOX_KEY);
  }

  private static WebClient client;
  /** Checks every exchange of {@link #client}, as {@link Http} does its own. */
  private static ContractCheckedClient contract;

  @BeforeAll
  static void start() throws Exception {
    postgres = PostgresServer.startTemporary();
    redis = RedisServer.startTemporary();
    pg = postgres.ensureDatabase("cotoami", "cotoami", "secret");
    int port = FreePorts.next();
    Map<String, String> auth = new HashMap<>(TestConfigs.stores(pg, redis));
    // Every request comes from the gateway's 127.0.0.1 here.
    auth.put("SIGNIN_IP_LIMIT", "100000");
    // Queued mail is sealed at rest; the test opens it with the same key.
    auth.put("MAIL_OUTBOX_KEY", java.util.Base64.getEncoder().encodeToString(OUTBOX_KEY));
    instances.addAll(Http.await(Future.all(
        // The gateway's own deadline stays at its default (15 s): the stores' deadlines must answer first.
        GatewayMain.start(GatewayConfig.fromEnv(TestConfigs.of(CLUSTER, Map.of("HTTP_PORT", String.valueOf(port))))),
        CotoServiceMain.start(CotoServiceConfig.fromEnv(TestConfigs.of(CLUSTER, TestConfigs.stores(pg, redis)))),
        AuthServiceMain.start(AuthServiceConfig.fromEnv(TestConfigs.of(CLUSTER, auth))))).list());
    try (Http http = new Http(port)) {
      http.until("/api/instances", r -> r.bodyAsJsonObject().getJsonArray("instances").stream()
          .map(JsonObject.class::cast).filter(i -> "READY".equals(i.getString("state")))
          .map(i -> i.getString("service")).collect(java.util.stream.Collectors.toSet())
          .containsAll(Set.of("coto-service", "auth-service")), 60);
    }
    // Sessions are served once every instance has read the revoked sessions from auth-service.
    Http.awaitReady(instances, 60);
    vertx = Vertx.vertx();
    calls = new OnContext(vertx);
    contract = new ContractCheckedClient(vertx);
    client = contract.check(WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(port), new io.vertx.core.http.PoolOptions().setHttp1MaxSize(32)));
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    Http.shutdown(instances.toArray(ServiceInstance[]::new));
    if (redis != null) {
      redis.close();
    }
    if (postgres != null) {
      postgres.close();
    }
    if (contract != null) {
      contract.close();
    }
  }

  /** One answer: which request (its key), when it was sent and answered, status and headers that matter. */
  private record Outcome(String key, long sentAt, long millis, int status, String retryAfter, String contentType) {
  }

  /** Workers that each send one request at a time until stopped, recording every answer. */
  private static final class Load {
    final List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
    final AtomicBoolean stopped = new AtomicBoolean();
    final List<CompletableFuture<Void>> workers = new ArrayList<>();
    final AtomicInteger sequence = new AtomicInteger();

    Load(int count, Function<String, Future<HttpResponse<Buffer>>> request) {
      for (int i = 0; i < count; i++) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        workers.add(done);
        int worker = i;
        vertx.runOnContext(v -> next(worker, request, done));
      }
    }

    private void next(int worker, Function<String, Future<HttpResponse<Buffer>>> request, CompletableFuture<Void> done) {
      if (stopped.get()) {
        done.complete(null);
        return;
      }
      String key = worker + "-" + sequence.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8);
      long sent = System.nanoTime();
      request.apply(key).onComplete(ar -> {
        long millis = (System.nanoTime() - sent) / 1_000_000;
        long wait = 0;
        if (ar.succeeded()) {
          HttpResponse<Buffer> r = ar.result();
          outcomes.add(new Outcome(key, sent, millis, r.statusCode(), r.getHeader("Retry-After"),
              r.getHeader("Content-Type")));
          wait = retryAfterMillis(r);
        } else {
          outcomes.add(new Outcome(key, sent, millis, -1, null, String.valueOf(ar.cause())));
        }
        // As a client should: a 503 says when to come back. (Without it, the instant 503s of an
        // instance whose revocations are stale made hundreds of thousands of refused posts, and
        // retrying each of them later outlasted the test's time limit.)
        if (wait > 0) {
          vertx.setTimer(wait, t -> next(worker, request, done));
        } else {
          next(worker, request, done);
        }
      });
    }

    private static long retryAfterMillis(HttpResponse<Buffer> answer) {
      String seconds = answer.statusCode() == 503 ? answer.getHeader("Retry-After") : null;
      try {
        return seconds == null ? 0 : Math.min(5_000, Long.parseLong(seconds.strip()) * 1000);
      } catch (NumberFormatException notSeconds) {
        return 0;
      }
    }

    long count(Predicate<Outcome> which) {
      synchronized (outcomes) {
        return outcomes.stream().filter(which).count();
      }
    }

    void awaitCount(Predicate<Outcome> which, long n, int seconds) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      while (count(which) < n) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("fewer than " + n + " matching answers within " + seconds + " s: " + summary());
        }
        TimeUnit.MILLISECONDS.sleep(50);
      }
    }

    List<Outcome> stop() throws Exception {
      stopped.set(true);
      CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
      return List.copyOf(outcomes);
    }

    String summary() {
      Map<Integer, Integer> statuses = new java.util.TreeMap<>();
      synchronized (outcomes) {
        outcomes.forEach(o -> statuses.merge(o.status(), 1, Integer::sum));
      }
      return statuses.toString();
    }
  }

  /**
   * Runs {@code load} through a freeze of {@code pids}: some successes first, the freeze, then
   * successes again. Checks every answer and returns them.
   */
  private static List<Outcome> throughFreeze(Load load, int success, FreezeStarter freeze) throws Exception {
    load.awaitCount(o -> o.status() == success, 5, 30);
    // The first answers of a cold system (JIT, first connections) are not what is measured.
    long warm = System.nanoTime();
    long frozenAt;
    long resumedAt;
    try (Freeze frozen = freeze.start()) {
      frozenAt = System.nanoTime();
      // The fault itself lasts a fixed time: the store is silent for these 10 s.
      TimeUnit.MILLISECONDS.sleep(FREEZE_MILLIS);
      resumedAt = System.nanoTime();
    }
    long resumed = resumedAt;
    load.awaitCount(o -> o.status() == success && o.sentAt() > resumed, 5, 30);
    List<Outcome> outcomes = load.stop();
    List<Outcome> wrong = outcomes.stream().filter(o -> o.status() != success && o.status() != 503).toList();
    assertEquals(List.of(), wrong.subList(0, Math.min(3, wrong.size())), "only successes and 503s: " + load.summary());
    List<Outcome> slow = outcomes.stream().filter(o -> o.sentAt() > warm && o.millis() > ANSWER_WITHIN_MILLIS).toList();
    assertEquals(List.of(), slow.subList(0, Math.min(3, slow.size())), "every answer within 3 s: " + load.summary());
    List<Outcome> unavailable = outcomes.stream().filter(o -> o.status() == 503).toList();
    long frozen = frozenAt;
    assertTrue(unavailable.stream().anyMatch(o -> o.sentAt() > frozen && o.sentAt() < resumed),
        "the freeze was felt: " + load.summary());
    for (Outcome o : unavailable) {
      assertEquals("1", o.retryAfter(), "a 503 says when to retry: " + o);
      assertTrue(String.valueOf(o.contentType()).startsWith("application/problem+json"), o.toString());
    }
    return outcomes;
  }

  @FunctionalInterface
  private interface FreezeStarter {
    Freeze start() throws Exception;
  }

  private static Set<String> keys(List<Outcome> outcomes, int status) {
    Set<String> keys = new TreeSet<>();
    outcomes.stream().filter(o -> o.status() == status).forEach(o -> keys.add(o.key()));
    return keys;
  }

  /** After the store resumed, work it was holding has had time to land, if it were going to. */
  private static void letStragglersLand() throws InterruptedException {
    // Nothing to await here: the point is that nothing more happens.
    TimeUnit.SECONDS.sleep(3);
  }

  @Test
  @DisplayName("PostgreSQL frozen for 10 s under signed-in posting: only 201s and 503s with Retry-After, each within 3 s, then recovery; every acknowledged post is stored, and a 503'd post retried with its clientId is stored exactly once")
  void postgresFrozen() throws Exception {
    String userId = UUID.randomUUID().toString();
    String token = TestConfigs.keys().token(vertx, userId, "frozen-" + userId.substring(0, 8) + "@example.com", "frozen");
    // No answer in 20 s (the gateway's own deadline is 15 s) is a failure of its own, not a hang.
    Function<String, Future<HttpResponse<Buffer>>> post = key -> Http.start(calls, client.post("/api/cotos")
        .timeout(20_000).putHeader("Content-Type", "application/json").putHeader("Authorization", "Bearer " + token),
        Buffer.buffer(new JsonObject().put("content", key).put("clientId", key).encode()));
    Load load = new Load(6, post);
    List<Outcome> outcomes = throughFreeze(load, 201, () -> Freeze.postgres(postgres));
    letStragglersLand();

    Pool pool = PgBuilder.pool().connectingTo(new PgConnectOptions().setHost(pg.host()).setPort(pg.port())
        .setDatabase(pg.database()).setUser(pg.user()).setPassword(pg.password())).using(vertx).build();
    try {
      Set<String> acknowledged = keys(outcomes, 201);
      Set<String> before = storedContents(pool, userId);
      assertTrue(before.containsAll(acknowledged), "every acknowledged post is stored (" + load.summary() + ")");
      // A PostgreSQL write answered 503 may still commit (docs/architecture.md, Deadlines): what the
      // promise is, is that retrying it with its clientId is safe. Retry every one of them.
      Set<String> refused = keys(outcomes, 503);
      for (String key : refused) {
        HttpResponse<Buffer> retried = Http.await(post.apply(key).timeout(30, TimeUnit.SECONDS));
        assertTrue(retried.statusCode() == 201 || retried.statusCode() == 200, key + ": " + retried.statusCode());
      }
      Set<String> sent = new TreeSet<>(acknowledged);
      sent.addAll(refused);
      assertEquals(sent, storedContents(pool, userId), "stored: exactly what was acknowledged or retried");
      for (Row row : Http.await(pool.preparedQuery(
          "SELECT content, count(*) AS n FROM coto.cotos WHERE author_id = $1 GROUP BY content HAVING count(*) > 1")
          .execute(Tuple.of(UUID.fromString(userId))))) {
        throw new AssertionError("stored twice: " + row.getString("content") + " x" + row.getLong("n"));
      }
    } finally {
      pool.close();
    }
  }

  private static Set<String> storedContents(Pool pool, String userId) throws Exception {
    Set<String> stored = new TreeSet<>();
    for (Row row : Http.await(pool.preparedQuery("SELECT content FROM coto.cotos WHERE author_id = $1")
        .execute(Tuple.of(UUID.fromString(userId))).timeout(20, TimeUnit.SECONDS))) {
      stored.add(row.getString("content"));
    }
    return stored;
  }

  @Test
  @DisplayName("Redis frozen for 10 s under anonymous posting and sign-in requests: only successes and 503s with Retry-After, each within 3 s, then recovery; exactly the acknowledged cotos and mails are stored")
  void redisFrozen() throws Exception {
    RedisAPI direct = RedisAPI.api(Redis.createClient(vertx, redis.config().url()));
    long redisPid = Long.parseLong(Http.await(direct.info(List.of("server"))).toString().lines()
        .filter(l -> l.startsWith("process_id:")).findFirst().orElseThrow().substring("process_id:".length()).strip());
    // Each anonymous worker is one visitor: its first post gives it its cookie.
    List<String> cookies = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      HttpResponse<Buffer> first = Http.await(anonymousPost(null, "first-" + i));
      assertEquals(201, first.statusCode(), first.bodyAsString());
      String cookie = first.cookies().stream().filter(c -> c.startsWith("anonymous_id=")).findFirst().orElseThrow();
      cookies.add(cookie.substring(0, cookie.indexOf(';')));
    }
    Load posts = new Load(4, key -> anonymousPost(cookies.get(Integer.parseInt(key.substring(0, key.indexOf('-')))),
        key));
    Load signins = new Load(2, key -> Http.start(calls, client.post("/api/auth/signin-requests")
        .putHeader("Content-Type", "application/json").putHeader("Origin", ORIGIN),
        Buffer.buffer(new JsonObject().put("email", "k" + key + "@example.com").encode())));
    // One freeze for both loads; the sign-in requests' answers are checked on their own.
    signins.awaitCount(o -> o.status() == 202, 3, 30);
    List<Outcome> postOutcomes = throughFreeze(posts, 201, () -> Freeze.process(redisPid));
    List<Outcome> signinOutcomes = signins.stop();
    checkSignins(signinOutcomes);
    letStragglersLand();

    for (int i = 0; i < cookies.size(); i++) {
      String id = cookies.get(i).substring("anonymous_id=".length());
      Set<String> stored = new TreeSet<>();
      for (Response body : Http.await(direct.hvals("anon:{" + id + "}:cotos"))) {
        stored.add(new JsonObject(body.toString()).getString("content"));
      }
      stored.remove("first-" + i);
      String prefix = i + "-";
      Set<String> acknowledged = new TreeSet<>(keys(postOutcomes, 201).stream().filter(k -> k.startsWith(prefix)).toList());
      assertEquals(acknowledged, stored, "visitor " + i + ": exactly the acknowledged cotos (" + posts.summary() + ")");
    }
    Set<String> queued = new TreeSet<>();
    for (Response entry : Http.await(direct.xrange(List.of("mail:outbox", "-", "+")))) {
      Response fields = entry.get(1);
      Map<String, String> stored = new HashMap<>();
      for (int f = 0; f + 1 < fields.size(); f += 2) {
        stored.put(fields.get(f).toString(), fields.get(f + 1).toString());
      }
      queued.add(io.cotoami.common.mail.OutboxSeal.withKey(OUTBOX_KEY).open(stored.get("messageId"), stored).to());
    }
    Set<String> acknowledgedMails = new TreeSet<>();
    keys(signinOutcomes, 202).forEach(k -> acknowledgedMails.add("k" + k + "@example.com"));
    assertEquals(acknowledgedMails, queued, "exactly the acknowledged sign-in mails are queued (" + signins.summary() + ")");
    direct.close();
  }

  private static void checkSignins(List<Outcome> outcomes) {
    List<Outcome> wrong = outcomes.stream().filter(o -> o.status() != 202 && o.status() != 503).toList();
    assertEquals(List.of(), wrong, "sign-in requests: only 202s and 503s");
    assertEquals(List.of(), outcomes.stream().filter(o -> o.millis() > ANSWER_WITHIN_MILLIS).toList(),
        "every sign-in request answered within 3 s");
    assertTrue(outcomes.stream().anyMatch(o -> o.status() == 503), "the freeze was felt by sign-in requests");
    for (Outcome o : outcomes) {
      if (o.status() == 503) {
        assertEquals("1", o.retryAfter(), o.toString());
      }
    }
  }

  private static Future<HttpResponse<Buffer>> anonymousPost(String cookie, String content) {
    var request = client.post("/api/cotos").putHeader("Content-Type", "application/json").putHeader("Origin", ORIGIN);
    if (cookie != null) {
      request.putHeader("Cookie", cookie);
    }
    return Http.start(calls, request, Buffer.buffer(new JsonObject().put("content", content).encode()));
  }
}
