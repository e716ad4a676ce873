package io.cotoami.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cotoami.auth.signin.SigninTokens;
import io.cotoami.common.bus.Addresses;
import io.cotoami.common.config.ConfigException;
import io.cotoami.common.config.Env;
import io.cotoami.common.config.PgConfig;
import io.cotoami.common.mail.OutboxMail;
import io.cotoami.common.mail.OutboxSeal;
import io.cotoami.common.runtime.ServiceInstance;
import io.cotoami.infra.OnContext;
import io.cotoami.infra.PostgresServer;
import io.cotoami.infra.RedisServer;
import io.cotoami.infra.SessionKeyPair;
import io.cotoami.infra.TestConfigs;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Two auth-service instances in one cluster, on real embedded PostgreSQL and Redis, through their HTTP APIs. */
class AuthServiceTest {
  private static final String PUBLIC_URL = "https://cotoami.test";
  private static final Pattern LINK = Pattern.compile(Pattern.quote(PUBLIC_URL) + "/signin/([A-Za-z0-9_-]+)");
  private static final AtomicInteger ADDRESSES = new AtomicInteger();
  private static final byte[] OUTBOX_KEY = "auth-service-test-outbox-key-32b".getBytes(StandardCharsets.US_ASCII);
  private static PostgresServer postgres;
  private static RedisServer redisServer;
  private static SessionKeyPair keys;
  private static Map<String, String> env;
  private static ServiceInstance first;
  private static ServiceInstance second;
  private static Vertx vertx;
  /** Where every request of the clients here starts (OnContext says why). */
  private static OnContext calls;
  private static WebClient one;
  private static WebClient two;
  private static WebClient untrusted;
  private static RedisAPI redis;
  private static String cluster;

  @BeforeAll
  static void start() throws Exception {
    postgres = PostgresServer.startTemporary();
    redisServer = RedisServer.startTemporary();
    PgConfig pg = postgres.ensureDatabase("cotoami", "cotoami", "secret");
    keys = SessionKeyPair.generate();
    env = new HashMap<>(TestConfigs.stores(pg, redisServer));
    env.putAll(keys.env());
    env.put("PUBLIC_URL", PUBLIC_URL);
    env.put("SIGNIN_IP_LIMIT", "5");
    env.put("MAIL_OUTBOX_KEY", Base64.getEncoder().encodeToString(OUTBOX_KEY));
    // The test's own clients are the trusted proxy (127.0.0.1); `untrusted` connects from 127.0.0.2.
    env.put("TRUSTED_PROXIES", "127.0.0.1/32");
    cluster = TestConfigs.newClusterName();
    first = await(AuthServiceMain.start(AuthServiceConfig.fromEnv(TestConfigs.of(cluster, env))));
    second = await(AuthServiceMain.start(AuthServiceConfig.fromEnv(TestConfigs.of(cluster, env))));
    vertx = Vertx.vertx();
    calls = new OnContext(vertx);
    one = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(first.httpPort()));
    two = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(second.httpPort()));
    untrusted = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(first.httpPort())
        .setLocalAddress("127.0.0.2"));
    redis = RedisAPI.api(Redis.createClient(vertx, redisServer.config().url()));
    // Sessions are served once each instance has read the revocations.
    for (ServiceInstance instance : List.of(first, second)) {
      WebClient management = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
          .setDefaultPort(instance.managementPort()));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (calls.await(() -> management.get("/health/ready").send()).statusCode() != 200) {
        assertTrue(System.nanoTime() < deadline, "auth-service ready within 30 s");
        TimeUnit.MILLISECONDS.sleep(50);
      }
    }
  }

  @AfterAll
  static void stop() throws Exception {
    List<Future<Void>> stops = new ArrayList<>();
    for (ServiceInstance instance : new ServiceInstance[] {first, second}) {
      if (instance != null) {
        stops.add(instance.shutdown());
      }
    }
    await(Future.join(stops));
    if (vertx != null) {
      vertx.close();
    }
    redisServer.close();
    postgres.close();
  }

  @Test
  @DisplayName("A sign-in request answers 202 with the same body for a new and a known address, and queues a mail whose link is on PUBLIC_URL whatever the Host header")
  void signinRequestIsTheSameForEveryone() throws Exception {
    String known = newEmail();
    signIn(known, false);
    HttpResponse<Buffer> forKnown = send(one.post("/api/auth/signin-requests").putHeader("Host", "evil.example"),
        new JsonObject().put("email", known));
    HttpResponse<Buffer> forNew = send(two.post("/api/auth/signin-requests").putHeader("Host", "evil.example"),
        new JsonObject().put("email", newEmail()));
    // The known address was used a moment ago: the per-minute limit answers, not a different 202.
    assertEquals(429, forKnown.statusCode());
    assertEquals(202, forNew.statusCode());
    String another = newEmail();
    HttpResponse<Buffer> again = send(one.post("/api/auth/signin-requests"), new JsonObject().put("email", another));
    assertEquals(forNew.bodyAsString(), again.bodyAsString());
    JsonObject mail = mailTo(another);
    assertTrue(mail.getString("text").contains(PUBLIC_URL + "/signin/"), mail.getString("text"));
    assertTrue(mail.getString("html").contains(PUBLIC_URL + "/signin/"), mail.getString("html"));
    assertFalse(mail.getString("text").contains("evil.example"));
    assertNotNull(mail.getString("messageId"));
  }

  @Test
  @DisplayName("A sign-in token has 256 random bits, only its SHA-256 is in Redis, with a TTL of at most 15 minutes")
  void tokensAreHashedWithTtl() throws Exception {
    String email = newEmail();
    String token = requestToken(email, null);
    assertEquals(43, token.length());
    String key = "auth:signin:" + sha256(token);
    long ttl = await(redis.pttl(key)).toLong();
    assertTrue(ttl > 0 && ttl <= TimeUnit.MINUTES.toMillis(15), "ttl " + ttl);
    List<String> everything = new ArrayList<>();
    await(redis.keys("*")).forEach(k -> everything.add(k.toString()));
    for (String k : everything) {
      assertFalse(k.contains(token), "no key holds the token");
    }
    assertFalse(await(redis.get(key)).toString().contains(token), "the stored value does not hold it either");
  }

  @Test
  @DisplayName("The confirm page changes nothing; its token then signs in once: the first sign-in creates the user with a default name and a Gravatar avatar, and sets an HttpOnly, Secure, SameSite=Lax cookie")
  void firstSigninCreatesTheUser() throws Exception {
    String email = newEmail();
    String token = requestToken("  " + email.toUpperCase() + " ", null);
    for (int i = 0; i < 2; i++) {
      HttpResponse<Buffer> page = calls.await(() -> one.get("/signin/" + token).send());
      assertEquals(200, page.statusCode());
      assertTrue(page.getHeader("Content-Type").startsWith("text/html"));
      assertTrue(page.bodyAsString().contains("/api/auth/sessions"));
      assertEquals("no-referrer", page.getHeader("Referrer-Policy"));
    }
    HttpResponse<Buffer> created = redeem(one, token, null);
    assertEquals(201, created.statusCode(), created.bodyAsString());
    JsonObject user = created.bodyAsJsonObject().getJsonObject("user");
    assertTrue(created.bodyAsJsonObject().getBoolean("newUser"));
    assertNull(created.bodyAsJsonObject().getString("token"), "a browser gets no token in the body");
    assertEquals(email, user.getString("email"));
    assertEquals(email.substring(0, email.indexOf('@')), user.getString("name"));
    assertEquals("https://www.gravatar.com/avatar/" + sha256(email) + "?d=identicon", user.getString("avatarUrl"));
    String setCookie = created.cookies().stream().filter(c -> c.startsWith("cotoami_session=")).findFirst().orElseThrow();
    assertTrue(setCookie.contains("HTTPOnly") || setCookie.contains("HttpOnly"), setCookie);
    assertTrue(setCookie.contains("Secure"), setCookie);
    assertTrue(setCookie.contains("SameSite=Lax"), setCookie);
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));

    JsonObject session = calls.await(() -> two.get("/api/session")
        .putHeader("Cookie", cookie).send()).bodyAsJsonObject();
    assertFalse(session.getBoolean("anonymous"));
    assertEquals(user.getString("id"), session.getJsonObject("user").getString("id"));

    assertProblem(redeem(two, token, null), 401, "invalid-signin-token");
    allowAnotherMail(email);
    HttpResponse<Buffer> again = redeem(two, requestToken(email, null), "mobile");
    assertEquals(201, again.statusCode());
    assertFalse(again.bodyAsJsonObject().getBoolean("newUser"));
    assertEquals(user.getString("id"), again.bodyAsJsonObject().getJsonObject("user").getString("id"));
    assertTrue(again.cookies().isEmpty(), "a mobile client gets no cookie");
    String bearer = again.bodyAsJsonObject().getString("token");
    JsonObject mobile = calls.await(() -> one.get("/api/session")
        .bearerTokenAuthentication(bearer).send()).bodyAsJsonObject();
    assertEquals(email, mobile.getJsonObject("user").getString("email"));

    HttpResponse<Buffer> renamed = send(one.put("/api/users/me").bearerTokenAuthentication(bearer),
        new JsonObject().put("name", "  Ann Example "));
    assertEquals(200, renamed.statusCode(), renamed.bodyAsString());
    assertEquals("Ann Example", calls.await(() -> two.get("/api/session")
        .putHeader("Cookie", cookie).send()).bodyAsJsonObject()
        .getJsonObject("user").getString("name"));
    assertProblem(send(one.put("/api/users/me").bearerTokenAuthentication(bearer), new JsonObject().put("name", " ")),
        400, "validation");
    assertProblem(send(one.put("/api/users/me"), new JsonObject().put("name", "x")), 401, "unauthorized");
  }

  @Test
  @DisplayName("50 concurrent redemptions of one token, on two instances, sign in exactly once")
  void concurrentRedemptionsSucceedOnce() throws Exception {
    String token = requestToken(newEmail(), null);
    List<Future<HttpResponse<Buffer>>> all = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      WebClient instance = i % 2 == 0 ? one : two;
      all.add(calls.start(() -> instance.post("/api/auth/sessions").putHeader("Content-Type", "application/json")
          .sendBuffer(Buffer.buffer(new JsonObject().put("token", token).encode()))));
    }
    await(Future.join(all));
    long created = all.stream().filter(f -> f.result().statusCode() == 201).count();
    long refused = all.stream().filter(f -> f.result().statusCode() == 401).count();
    assertEquals(1, created);
    assertEquals(49, refused);
  }

  @Test
  @DisplayName("An expired or unknown token is refused with a 401 problem")
  void expiredTokenIsRefused() throws Exception {
    String token = requestToken(newEmail(), null);
    String key = SigninTokens.key(token);
    await(redis.pexpire(List.of(key, "1")));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (await(redis.exists(List.of(key))).toInteger() > 0 && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(10);
    }
    assertProblem(redeem(one, token, null), 401, "invalid-signin-token");
    assertProblem(redeem(one, "A".repeat(43), null), 401, "invalid-signin-token");
    assertProblem(redeem(one, "short", null), 401, "invalid-signin-token");
  }

  @Test
  @DisplayName("One mail per address per minute and a few sign-in requests per client address, counted across instances, then 429 with Retry-After")
  void rateLimits() throws Exception {
    String email = newEmail();
    assertEquals(202, send(one.post("/api/auth/signin-requests"), new JsonObject().put("email", email)).statusCode());
    HttpResponse<Buffer> limited = send(two.post("/api/auth/signin-requests"), new JsonObject().put("email", email));
    assertProblem(limited, 429, "too-many-requests");
    assertTrue(Integer.parseInt(limited.getHeader("Retry-After")) > 0);

    String ip = "203.0.113." + ADDRESSES.incrementAndGet();
    for (int i = 0; i < 5; i++) {
      HttpRequest<Buffer> request = (i % 2 == 0 ? one : two).post("/api/auth/signin-requests");
      assertEquals(202, send(request.putHeader("X-Forwarded-For", ip), new JsonObject().put("email", newEmail()))
          .statusCode());
    }
    assertProblem(send(one.post("/api/auth/signin-requests").putHeader("X-Forwarded-For", ip),
        new JsonObject().put("email", newEmail())), 429, "too-many-requests");
  }

  @Test
  @DisplayName("Something that is not an address, a 10 KB address and an address with CR/LF are refused with 400 and queue no mail")
  void badEmails() throws Exception {
    long before = await(redis.xlen(Addresses.MAIL_OUTBOX_STREAM)).toLong();
    for (String bad : new String[] {"not-an-address", "a@b", "@example.com", "ann@exa mple.com",
        "x".repeat(10 * 1024) + "@example.com", "ann@example.com\r\nBcc: eve@example.com",
        "ann@example.com\nbcc:eve@example.com", ""}) {
      assertProblem(send(one.post("/api/auth/signin-requests"), new JsonObject().put("email", bad)), 400, "validation");
    }
    assertProblem(send(one.post("/api/auth/signin-requests"), new JsonObject().put("email", 42)), 400, "validation");
    assertProblem(send(one.post("/api/auth/signin-requests"), new JsonObject()), 400, "validation");
    assertEquals(before, await(redis.xlen(Addresses.MAIL_OUTBOX_STREAM)).toLong());
  }

  @Test
  @DisplayName("State-changing requests from another site, or with the cookie and no same-origin proof, are refused with 403")
  void crossSiteRequestsAreRefused() throws Exception {
    String cookie = signIn(newEmail(), false);
    assertProblem(calls.await(() -> one.post("/api/auth/signout").putHeader("Cookie", cookie)
        .putHeader("Origin", "https://evil.example").send()), 403, "cross-site-request");
    assertProblem(calls.await(() -> one.post("/api/auth/signout")
        .putHeader("Cookie", cookie).send()), 403, "cross-site-request");
    assertProblem(calls.await(() -> one.post("/api/auth/signout").putHeader("Cookie", cookie)
        .putHeader("Sec-Fetch-Site", "cross-site").send()), 403, "cross-site-request");
    assertProblem(send(one.post("/api/auth/signin-requests").putHeader("Origin", "https://evil.example"),
        new JsonObject().put("email", newEmail())), 403, "cross-site-request");
    assertProblem(send(one.put("/api/users/me").putHeader("Cookie", cookie).putHeader("Origin", "null"),
        new JsonObject().put("name", "x")), 403, "cross-site-request");
    // Still signed in: nothing above did anything.
    assertFalse(calls.await(() -> one.get("/api/session").putHeader("Cookie", cookie).send()).bodyAsJsonObject()
        .getBoolean("anonymous"));
    assertEquals(204, calls.await(() -> one.post("/api/auth/signout").putHeader("Cookie", cookie)
        .putHeader("Sec-Fetch-Site", "same-origin").send()).statusCode());
  }

  @Test
  @DisplayName("Signing out everywhere revokes every session of the user on every instance within a second; one signed in afterwards works")
  void signOutEverywhere() throws Exception {
    String email = newEmail();
    String first = signIn(email, false);
    allowAnotherMail(email);
    String second = signIn(email, false);
    String bystander = signIn(newEmail(), false);
    assertProblem(calls.await(() -> one.post("/api/auth/signout?everywhere=maybe").putHeader("Cookie", first)
        .putHeader("Origin", PUBLIC_URL).send()), 400, "validation");
    assertEquals(204, calls.await(() -> one.post("/api/auth/signout?everywhere=true").putHeader("Cookie", first)
        .putHeader("Origin", PUBLIC_URL).send()).statusCode());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
    boolean refused = false;
    while (!refused && System.nanoTime() < deadline) {
      refused = calls.await(() -> two.get("/api/users/me").putHeader("Cookie", first).send()).statusCode() == 401
          && calls.await(() -> two.get("/api/users/me").putHeader("Cookie", second).send()).statusCode() == 401;
    }
    assertTrue(refused, "both sessions refused on the other instance within a second");
    assertProblem(calls.await(() -> one.get("/api/users/me")
        .putHeader("Cookie", second).send()), 401, "invalid-session");
    assertEquals(200, calls.await(() -> two.get("/api/users/me").putHeader("Cookie", bystander).send()).statusCode());
    allowAnotherMail(email);
    String later = signIn(email, false);
    assertEquals(200, calls.await(() -> two.get("/api/users/me").putHeader("Cookie", later).send()).statusCode(),
        "a session signed in afterwards is not covered");
  }

  @Test
  @DisplayName("A sign-out stored the old way (auth:revoked:<sid>) is moved into the stream at start and still refused")
  void legacyRevocationsAreMigrated() throws Exception {
    String email = newEmail();
    HttpResponse<Buffer> created = redeem(one, requestToken(email, null), "mobile");
    String token = created.bodyAsJsonObject().getString("token");
    String sid = payload(token).getString("sid");
    await(redis.set(List.of("auth:revoked:" + sid, String.valueOf(System.currentTimeMillis() + 600_000))));
    ServiceInstance third = await(AuthServiceMain.start(AuthServiceConfig.fromEnv(TestConfigs.of(cluster, env))));
    try {
      assertNull(await(redis.get("auth:revoked:" + sid)), "the old key is gone");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      boolean refused = false;
      while (!refused && System.nanoTime() < deadline) {
        refused = calls.await(() -> one.get("/api/users/me")
            .putHeader("Authorization", "Bearer " + token).send()).statusCode() == 401;
      }
      assertTrue(refused, "the migrated sign-out is honoured by the other instances");
    } finally {
      await(third.shutdown());
    }
  }

  @Test
  @DisplayName("A session is renewed at most up to SESSION_MAX_AGE (90 days) after sign-in, and not at all once it ends there")
  void absoluteLifetime() throws Exception {
    String email = newEmail();
    HttpResponse<Buffer> created = redeem(one, requestToken(email, null), "mobile");
    String userId = created.bodyAsJsonObject().getJsonObject("user").getString("id");
    JsonObject issued = payload(created.bodyAsJsonObject().getString("token"));
    assertTrue(issued.getLong("sst") > 0, "a new session says when it started: " + issued);
    long now = System.currentTimeMillis() / 1000;
    long day = 24 * 3600;
    long startedMs = (now - 80 * day) * 1000;
    JsonObject claims = new JsonObject().put("sub", userId).put("sid", "old-session-1").put("email", email)
        .put("name", "old").put("iat", now - 3600).put("sst", startedMs);
    String old = keys.sign(vertx, claims.copy().put("exp", now + 600), new io.vertx.ext.auth.JWTOptions().setNoTimestamp(true));
    String token = calls.await(() -> one.get("/api/session").putHeader("Authorization", "Bearer " + old).send())
        .bodyAsJsonObject().getString("token");
    assertNotNull(token, "renewed");
    JsonObject renewed = payload(token);
    assertEquals(startedMs, renewed.getLong("sst"), "the start is kept");
    assertTrue(renewed.getLong("exp") <= startedMs / 1000 + 90 * day + 1, "not past 90 days after sign-in: " + renewed);
    assertTrue(renewed.getLong("exp") >= startedMs / 1000 + 90 * day - 60, renewed.encode());

    String atLimit = keys.sign(vertx, claims.copy().put("sst", (now - 90 * day + 300) * 1000).put("exp", now + 300),
        new io.vertx.ext.auth.JWTOptions().setNoTimestamp(true));
    HttpResponse<Buffer> last = calls.await(() -> one.get("/api/session")
        .putHeader("Authorization", "Bearer " + atLimit).send());
    assertFalse(last.bodyAsJsonObject().getBoolean("anonymous"), "still signed in until its end");
    assertNull(last.bodyAsJsonObject().getString("token"), "not renewed past its absolute end");
  }

  private static JsonObject payload(String token) {
    return new JsonObject(new String(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]),
        java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  @DisplayName("Sign-out revokes the session on every instance within a second, and a later sign-in gets a new session")
  void signoutRevokesEverywhere() throws Exception {
    String email = newEmail();
    String cookie = signIn(email, false);
    for (WebClient client : List.of(one, two)) {
      assertFalse(calls.await(() -> client.get("/api/session").putHeader("Cookie", cookie).send()).bodyAsJsonObject()
          .getBoolean("anonymous"));
    }
    HttpResponse<Buffer> out = calls.await(() -> one.post("/api/auth/signout").putHeader("Cookie", cookie)
        .putHeader("Origin", PUBLIC_URL).send());
    assertEquals(204, out.statusCode());
    assertTrue(out.cookies().stream().anyMatch(c -> c.startsWith("cotoami_session=;") && c.contains("Max-Age=0")),
        String.valueOf(out.cookies()));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
    boolean anonymous = false;
    while (!anonymous && System.nanoTime() < deadline) {
      anonymous = calls.await(() -> two.get("/api/session").putHeader("Cookie", cookie).send()).bodyAsJsonObject()
          .getBoolean("anonymous");
    }
    assertTrue(anonymous, "the other instance refuses the session within a second");
    assertProblem(calls.await(() -> two.get("/api/users/me")
        .putHeader("Cookie", cookie).send()), 401, "invalid-session");
    allowAnotherMail(email);
    String again = signIn(email, false);
    assertNotEquals(cookie, again);
    assertFalse(calls.await(() -> two.get("/api/session").putHeader("Cookie", again).send()).bodyAsJsonObject()
        .getBoolean("anonymous"));
  }

  @Test
  @DisplayName("With 'save anonymous cotos' ticked, the sign-in asks coto-service once to move that browser's cotos")
  void signinAsksToMoveAnonymousCotos() throws Exception {
    List<JsonObject> asked = new CopyOnWriteArrayList<>();
    MessageConsumer<JsonObject> fakeCotoService = first.vertx().eventBus().consumer(Addresses.ANONYMOUS_COTOS_MOVE,
        message -> {
          asked.add(message.body());
          message.reply(new JsonObject().put("moved", 3));
        });
    await(fakeCotoService.completion());
    try {
      String anonymousId = "abcdefghijklmnopqrstuv";
      String token = requestToken(newEmail(), "anonymous_id=" + anonymousId, true);
      HttpResponse<Buffer> created = redeem(two.post("/api/auth/sessions").putHeader("Cookie", "anonymous_id=" + anonymousId),
          token);
      assertEquals(201, created.statusCode());
      assertEquals(1, asked.size());
      assertEquals(anonymousId, asked.get(0).getString("anonymousId"));
      assertEquals(created.bodyAsJsonObject().getJsonObject("user").getString("id"), asked.get(0).getString("userId"));
      assertEquals(3, created.bodyAsJsonObject().getJsonObject("anonymousCotos").getInteger("moved"));
      assertProblem(redeem(one, token, null), 401, "invalid-signin-token");
      assertEquals(1, asked.size(), "a retried sign-in asks nothing more");
      String unticked = requestToken(newEmail(), "anonymous_id=" + anonymousId, false);
      assertEquals(201, redeem(one.post("/api/auth/sessions").putHeader("Cookie", "anonymous_id=" + anonymousId),
          unticked).statusCode());
      assertEquals(1, asked.size(), "unticked: nothing is moved");
    } finally {
      await(fakeCotoService.unregister());
    }
  }

  @Test
  @DisplayName("A link asked for with 'save anonymous cotos' but opened in another browser (no cookie, or another visitor's) signs in without moving anything, and the answer and the mail say so")
  void anonymousCotosMoveOnlyForTheBrowserThatAsked() throws Exception {
    List<JsonObject> asked = new CopyOnWriteArrayList<>();
    MessageConsumer<JsonObject> fakeCotoService = first.vertx().eventBus().consumer(Addresses.ANONYMOUS_COTOS_MOVE,
        message -> {
          asked.add(message.body());
          message.reply(new JsonObject().put("moved", 1));
        });
    await(fakeCotoService.completion());
    try {
      String attacker = "attackerattackerattack";
      String victim = newEmail();
      String planted = requestToken(victim, "anonymous_id=" + attacker, true);
      assertTrue(mailTo(victim).getString("text").contains("same browser you asked from"), mailTo(victim).getString("text"));
      for (String cookie : new String[] {null, "anonymous_id=victimvictimvictimvicti"}) {
        HttpRequest<Buffer> request = one.post("/api/auth/sessions");
        if (cookie != null) {
          request.putHeader("Cookie", cookie);
        }
        HttpResponse<Buffer> created = redeem(request, planted);
        assertEquals(201, created.statusCode(), created.bodyAsString());
        JsonObject cotos = created.bodyAsJsonObject().getJsonObject("anonymousCotos");
        assertEquals("other-browser", cotos.getString("skipped"), cotos.encode());
        assertTrue(cotos.getBoolean("requested"));
        assertNull(cotos.getInteger("moved"));
        allowAnotherMail(victim);
        planted = requestToken(victim, "anonymous_id=" + attacker, true);
      }
      assertTrue(asked.isEmpty(), "coto-service was never asked to move the attacker's cotos: " + asked);
      allowAnotherMail(victim);
      String plain = requestToken(victim, null, false);
      assertFalse(mailTo(victim).getString("text").contains("same browser"), "no promise about cotos when none are saved");
      assertFalse(redeem(one, plain, null).bodyAsJsonObject().getJsonObject("anonymousCotos").getBoolean("requested"));
    } finally {
      await(fakeCotoService.unregister());
    }
  }

  @Test
  @DisplayName("A redemption that fails because PostgreSQL is down answers 503 and leaves the link usable: once PostgreSQL is back the same link signs in, once")
  void failedRedemptionKeepsTheLink() throws Exception {
    String token = requestToken(newEmail(), null);
    postgres.stop();
    try {
      HttpResponse<Buffer> failed = redeem(one, token, null);
      assertProblem(failed, 503, "service-unavailable");
    } finally {
      postgres.restart();
    }
    HttpResponse<Buffer> created = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      created = redeem(two, token, null);
      if (created.statusCode() != 503) {
        break;
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
    assertEquals(201, created.statusCode(), created.bodyAsString());
    assertProblem(redeem(one, token, null), 401, "invalid-signin-token");
  }

  @Test
  @DisplayName("X-Forwarded-For sent straight to auth-service by a client that is not a trusted proxy is ignored: a rotating one is still rate-limited by the real address")
  void forgedForwardedForIsIgnored() throws Exception {
    for (int i = 0; i < 6; i++) {
      HttpResponse<Buffer> response = send(untrusted.post("/api/auth/signin-requests")
          .putHeader("X-Forwarded-For", "198.18.0." + (i + 1)), new JsonObject().put("email", newEmail()));
      if (i < 5) {
        assertEquals(202, response.statusCode(), "request " + i);
      } else {
        assertProblem(response, 429, "too-many-requests");
      }
    }
  }

  @Test
  @DisplayName("Behind a trusted proxy, two clients named by X-Forwarded-For have separate buckets, and hops a client prepends do not split its own")
  void trustedProxyClientsHaveTheirOwnBuckets() throws Exception {
    String a = "192.0.2." + ADDRESSES.incrementAndGet() % 250;
    String b = "198.51.100." + ADDRESSES.incrementAndGet() % 250;
    for (int i = 0; i < 5; i++) {
      // The client prepends a random hop each time: only the hop the proxy appended counts.
      assertEquals(202, send(one.post("/api/auth/signin-requests").putHeader("X-Forwarded-For", "10.9.9." + i + ", " + a),
          new JsonObject().put("email", newEmail())).statusCode());
    }
    assertProblem(send(one.post("/api/auth/signin-requests").putHeader("X-Forwarded-For", "10.8.8.8, " + a),
        new JsonObject().put("email", newEmail())), 429, "too-many-requests");
    assertEquals(202, send(two.post("/api/auth/signin-requests").putHeader("X-Forwarded-For", b),
        new JsonObject().put("email", newEmail())).statusCode(), "the other client is not limited");
  }

  @Test
  @DisplayName("The mail is in Japanese when Accept-Language prefers Japanese, in English otherwise")
  void mailLanguage() throws Exception {
    String ja = newEmail();
    send(one.post("/api/auth/signin-requests").putHeader("Accept-Language", "ja-JP,ja;q=0.9,en;q=0.8"),
        new JsonObject().put("email", ja));
    assertEquals("Cotoami へのサインイン", mailTo(ja).getString("subject"));
    String en = newEmail();
    send(one.post("/api/auth/signin-requests").putHeader("Accept-Language", "en-US,ja;q=0.5"),
        new JsonObject().put("email", en));
    assertEquals("Sign in to Cotoami", mailTo(en).getString("subject"));
  }

  @Test
  @DisplayName("auth-service refuses to start without a private key, with a sign-in token lifetime over 15 minutes, and without PUBLIC_URL outside dev mode")
  void configuration() {
    // What every test instance gets (a cluster name of its own, loopback), then the variable under test.
    Map<String, String> env = TestConfigs.env(TestConfigs.newClusterName(), AuthServiceTest.env);
    Map<String, String> noKey = new HashMap<>(env);
    noKey.remove("JWT_PRIVATE_KEY_FILE");
    ConfigException missing = assertThrows(ConfigException.class, () -> AuthServiceConfig.fromEnv(new Env(noKey)));
    assertTrue(missing.getMessage().contains("JWT_PRIVATE_KEY_FILE"));
    Map<String, String> noPublic = new HashMap<>(env);
    noPublic.remove("JWT_PUBLIC_KEY_FILE");
    assertThrows(ConfigException.class, () -> AuthServiceConfig.fromEnv(new Env(noPublic)));
    Map<String, String> longTtl = new HashMap<>(env);
    longTtl.put("SIGNIN_TOKEN_TTL", "1h");
    assertThrows(ConfigException.class, () -> AuthServiceConfig.fromEnv(new Env(longTtl)));
    Map<String, String> noPublicUrl = new HashMap<>(env);
    noPublicUrl.remove("PUBLIC_URL");
    ConfigException noUrl = assertThrows(ConfigException.class, () -> AuthServiceConfig.fromEnv(new Env(noPublicUrl)));
    assertTrue(noUrl.getMessage().startsWith("PUBLIC_URL is required"), noUrl.getMessage());
    noPublicUrl.put("DEV_MODE", "true");
    assertEquals("http://localhost:8080", AuthServiceConfig.fromEnv(new Env(noPublicUrl)).auth().publicUrl().toString(),
        "dev mode has a default");
    Map<String, String> shortMaxAge = new HashMap<>(env);
    shortMaxAge.put("SESSION_MAX_AGE", "1d");
    ConfigException maxAge = assertThrows(ConfigException.class, () -> AuthServiceConfig.fromEnv(new Env(shortMaxAge)));
    assertTrue(maxAge.getMessage().contains("SESSION_MAX_AGE"), maxAge.getMessage());
    Map<String, String> slowReconcile = new HashMap<>(env);
    slowReconcile.put("REVOCATIONS_MAX_STALENESS", "1s");
    slowReconcile.put("REVOCATIONS_RECONCILE_INTERVAL", "1s");
    assertThrows(ConfigException.class, () -> AuthServiceConfig.fromEnv(new Env(slowReconcile)));
  }

  // --- helpers ---

  /** Signs in through the emailed link; answers the session cookie ({@code cotoami_session=...}). */
  @Test
  @DisplayName("Sessions slide: one past half its lifetime is renewed with the same session id when used, a young one is left alone")
  void slidingSessions() throws Exception {
    String email = newEmail();
    HttpResponse<Buffer> created = redeem(one, requestToken(email, null), "mobile");
    String userId = created.bodyAsJsonObject().getJsonObject("user").getString("id");
    long now = System.currentTimeMillis() / 1000;
    JsonObject claims = new JsonObject().put("sub", userId).put("sid", "sliding-session-1").put("email", email)
        .put("name", "slider").put("iat", now - 3600);

    String old = keys.sign(vertx, claims.copy().put("exp", now + 600), new io.vertx.ext.auth.JWTOptions().setNoTimestamp(true));
    HttpResponse<Buffer> renewed = calls.await(() -> one.get("/api/session")
        .putHeader("Authorization", "Bearer " + old).send());
    assertEquals(200, renewed.statusCode());
    String token = renewed.bodyAsJsonObject().getString("token");
    assertNotNull(token, "a bearer session past half its life gets a new token: " + renewed.bodyAsString());
    JsonObject payload = new JsonObject(new String(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]),
        java.nio.charset.StandardCharsets.UTF_8));
    assertEquals("sliding-session-1", payload.getString("sid"), "the same session, renewed");
    assertTrue(payload.getLong("exp") > now + 29L * 24 * 3600, "a full lifetime again");

    String young = keys.sign(vertx, claims.copy().put("exp", now + 29L * 24 * 3600),
        new io.vertx.ext.auth.JWTOptions().setNoTimestamp(true));
    HttpResponse<Buffer> left = calls.await(() -> one.get("/api/session")
        .putHeader("Authorization", "Bearer " + young).send());
    assertFalse(left.bodyAsJsonObject().getBoolean("anonymous"));
    assertNull(left.bodyAsJsonObject().getString("token"), "a young session is not renewed");
  }

  private static String signIn(String email, boolean save) throws Exception {
    HttpResponse<Buffer> created = redeem(one, requestToken(email, null, save), null);
    assertEquals(201, created.statusCode(), created.bodyAsString());
    String setCookie = created.cookies().stream().filter(c -> c.startsWith("cotoami_session=")).findFirst().orElseThrow();
    return setCookie.substring(0, setCookie.indexOf(';'));
  }

  /** Forgets the one-mail-a-minute counter of an address, for tests that sign in twice. */
  private static void allowAnotherMail(String email) throws Exception {
    await(redis.del(List.of("auth:rl:email-min:" + sha256(email))));
  }

  private static String requestToken(String email, String cookie) throws Exception {
    return requestToken(email, cookie, false);
  }

  private static String requestToken(String email, String cookie, boolean save) throws Exception {
    HttpRequest<Buffer> request = one.post("/api/auth/signin-requests");
    if (cookie != null) {
      request.putHeader("Cookie", cookie);
    }
    HttpResponse<Buffer> accepted = send(request, new JsonObject().put("email", email).put("saveAnonymousCotos", save));
    assertEquals(202, accepted.statusCode(), accepted.bodyAsString());
    Matcher link = LINK.matcher(mailTo(email.trim().toLowerCase()).getString("text"));
    assertTrue(link.find());
    return link.group(1);
  }

  /** The newest outbox entry to {@code email}. */
  private static JsonObject mailTo(String email) throws Exception {
    Response entries = await(redis.xrevrange(List.of(Addresses.MAIL_OUTBOX_STREAM, "+", "-", "COUNT", "200")));
    for (Response entry : entries) {
      Response fields = entry.get(1);
      Map<String, String> stored = new HashMap<>();
      for (int i = 0; i + 1 < fields.size(); i += 2) {
        stored.put(fields.get(i).toString(), fields.get(i + 1).toString(StandardCharsets.UTF_8));
      }
      OutboxMail opened = OutboxSeal.withKey(OUTBOX_KEY).open(stored.get("messageId"), stored);
      JsonObject mail = opened.toJson().put("messageId", opened.messageId());
      if (email.equals(mail.getString("to"))) {
        return mail;
      }
    }
    throw new AssertionError("no mail to " + email);
  }

  private static HttpResponse<Buffer> redeem(HttpRequest<Buffer> request, String token) throws Exception {
    return send(request, new JsonObject().put("token", token));
  }

  private static HttpResponse<Buffer> redeem(WebClient client, String token, String kind) throws Exception {
    JsonObject body = new JsonObject().put("token", token);
    if (kind != null) {
      body.put("client", kind);
    }
    return send(client.post("/api/auth/sessions"), body);
  }

  /** Sends JSON from a client address of its own, so rate limits of one test never touch another. */
  private static HttpResponse<Buffer> send(HttpRequest<Buffer> request, JsonObject body) throws Exception {
    if (!request.headers().contains("X-Forwarded-For")) {
      request.putHeader("X-Forwarded-For", "198.51." + ADDRESSES.incrementAndGet() / 250 + "." + ADDRESSES.get() % 250);
    }
    return calls.await(() -> request
        .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(body.encode())));
  }

  private static void assertProblem(HttpResponse<Buffer> response, int status, String slug) {
    assertEquals(status, response.statusCode(), response.bodyAsString());
    assertEquals("application/problem+json", response.getHeader("Content-Type"));
    assertEquals("urn:cotoami:problem:" + slug, response.bodyAsJsonObject().getString("type"));
  }

  private static String newEmail() {
    return "user-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
  }

  private static String sha256(String text) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
