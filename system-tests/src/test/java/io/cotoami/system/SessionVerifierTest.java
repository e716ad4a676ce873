package io.cotoami.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cotoami.common.config.Env;
import io.cotoami.common.http.ProblemException;
import io.cotoami.common.session.RevocationPage;
import io.cotoami.common.session.Revocation;
import io.cotoami.common.session.RevokedSessions;
import io.cotoami.common.session.Session;
import io.cotoami.common.session.SessionKeys;
import io.cotoami.common.session.SessionVerifier;
import io.cotoami.infra.SessionKeyPair;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SessionVerifierTest {
  private static Vertx vertx;
  private static SessionKeyPair keys;
  private static SessionVerifier verifier;

  @BeforeAll
  static void setUp() {
    vertx = Vertx.vertx();
    keys = SessionKeyPair.generate();
    verifier = SessionVerifier.create(vertx, SessionKeys.fromEnv(new Env(keys.env())));
  }

  @AfterAll
  static void tearDown() {
    vertx.close();
  }

  @Test
  @DisplayName("A token signed with our key, algorithm, kid, issuer and audience gives the session")
  void validToken() throws Exception {
    Session session = Http.await(verifier.verify(keys.token(vertx, "u-1", "ann@example.com", "ann")));
    assertEquals("u-1", session.userId());
    assertEquals("ann@example.com", session.email());
    assertEquals("ann", session.name());
  }

  @Test
  @DisplayName("alg none, another algorithm, another key, an unknown kid, a wrong issuer or audience, an expired token and garbage are all refused with 401")
  void badTokens() throws Exception {
    JsonObject claims = new JsonObject().put("sub", "u-1").put("sid", "s-1");
    String good = keys.token(vertx, "u-1", "a@b.c", "a");
    String[] parts = good.split("\\.");
    assertRefused(b64("{\"alg\":\"none\",\"typ\":\"JWT\",\"kid\":\"" + SessionKeyPair.KEY_ID + "\"}") + "." + parts[1] + ".");
    assertRefused(b64("{\"alg\":\"none\",\"typ\":\"JWT\",\"kid\":\"" + SessionKeyPair.KEY_ID + "\"}") + "." + parts[1] + "." + parts[2]);
    JWTAuth hmac = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
        .setAlgorithm("HS256").setBuffer("a-shared-secret-anyone-could-guess")));
    assertRefused(hmac.generateToken(claims, new JWTOptions().setAlgorithm("HS256").setIssuer("cotoami")
        .setAudience(List.of("cotoami")).setHeader(new JsonObject().put("kid", SessionKeyPair.KEY_ID))));
    SessionKeyPair other = SessionKeyPair.generate();
    assertRefused(other.token(vertx, "u-1", "a@b.c", "a"));
    assertRefused(SessionKeyPair.generateInto(java.nio.file.Files.createTempDirectory("k"), "unknown-kid")
        .token(vertx, "u-1", "a@b.c", "a"));
    assertRefused(keys.sign(vertx, claims, new JWTOptions().setIssuer("someone-else").setExpiresInMinutes(5)));
    assertRefused(keys.sign(vertx, claims, new JWTOptions().setAudience(List.of("another-app")).setExpiresInMinutes(5)));
    assertRefused(keys.sign(vertx, claims.copy().put("exp", System.currentTimeMillis() / 1000 - 3600)
        .put("iat", System.currentTimeMillis() / 1000 - 7200), new JWTOptions().setNoTimestamp(true)));
    assertRefused(keys.sign(vertx, new JsonObject().put("sub", "u-1"), new JWTOptions().setExpiresInMinutes(5)));
    assertRefused("not.a.token");
    assertRefused("");
    assertRefused(parts[0] + "." + parts[1] + "." + parts[2].substring(0, parts[2].length() - 4) + "AAAA");
  }

  @Test
  @DisplayName("A token checked once is remembered, yet refused at once when its session is revoked, and when it expires")
  void rememberedTokens() throws Exception {
    RevokedSessions revoked = current(v -> Future.succeededFuture(RevocationPage.none(v)));
    SessionVerifier withRevocations = verifier.withRevocations(revoked);
    String token = keys.token(vertx, "u-2", "bob@example.com", "bob");
    Session first = Http.await(withRevocations.verify(token));
    assertEquals(first, Http.await(withRevocations.verify(token)), "the same session again");
    revoked.apply(Revocation.ofSession(first.sessionId(), System.currentTimeMillis() + 60_000));
    assertRefused(withRevocations, token);
    revoked.close();

    long now = System.currentTimeMillis() / 1000;
    String shortLived = keys.sign(vertx, new JsonObject().put("sub", "u-3").put("sid", "s-3").put("iat", now)
        .put("exp", now + 2), new JWTOptions().setNoTimestamp(true));
    assertEquals("u-3", Http.await(verifier.verify(shortLived)).userId());
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    boolean refused = false;
    while (!refused && System.nanoTime() < deadline) {
      refused = Http.await(verifier.verify(shortLived).map(s -> false).otherwise(true));
      java.util.concurrent.TimeUnit.MILLISECONDS.sleep(100);
    }
    assertTrue(refused, "refused once expired, though remembered");
    assertRefused(verifier, shortLived);
  }

  @Test
  @DisplayName("A token whose header says another typ, none, or carries a crit header is refused with 401, though signed with our key")
  void headerRules() throws Exception {
    JsonObject claims = new JsonObject().put("sub", "u-1").put("sid", "s-1").put("iat", now())
        .put("exp", now() + 600).put("iss", "cotoami").put("aud", "cotoami");
    JsonObject header = new JsonObject().put("alg", "ES256").put("kid", SessionKeyPair.KEY_ID).put("typ", "JWT");
    assertEquals("u-1", Http.await(verifier.verify(signRaw(header, claims))).userId(), "the control token is accepted");
    assertRefused(signRaw(header.copy().put("typ", "at+jwt"), claims));
    assertRefused(signRaw(header.copy().put("typ", "jwt "), claims));
    assertRefused(signRaw(header.copy().put("typ", 1), claims));
    JsonObject untyped = header.copy();
    untyped.remove("typ");
    assertRefused(signRaw(untyped, claims));
    assertRefused(signRaw(header.copy().put("crit", new JsonArray().add("exp")), claims));
    assertRefused(signRaw(header.copy().put("crit", new JsonArray().add("urn:example:unknown"))
        .put("urn:example:unknown", true), claims));
  }

  @Test
  @DisplayName("A token that says neither when its session started (sst) nor when it was issued (iat), or a malformed sst, is refused with 401")
  void sessionStartIsRequired() throws Exception {
    JsonObject claims = new JsonObject().put("sub", "u-1").put("sid", "s-9").put("exp", now() + 600);
    assertRefused(keys.sign(vertx, claims, new JWTOptions().setNoTimestamp(true)));
    assertRefused(keys.sign(vertx, claims.copy().put("sst", "yesterday"), new JWTOptions().setNoTimestamp(true)));
    Session started = Http.await(verifier.verify(keys.sign(vertx, claims.copy().put("sst", 1_700_000_000_000L),
        new JWTOptions().setNoTimestamp(true))));
    assertEquals(1_700_000_000_000L, started.startedAt().toEpochMilli());
  }

  @Test
  @DisplayName("A personal access token (scp read or read-write) may go without an expiry, a session may not; another scope is refused; signing out everywhere does not cover a token, revoking its id does")
  void accessTokens() throws Exception {
    long nowMs = System.currentTimeMillis();
    JsonObject claims = new JsonObject().put("sub", "u-7").put("sid", "t-1").put("sst", nowMs - 60_000);
    Session token = Http.await(verifier.verify(keys.sign(vertx, claims.copy().put("scp", "read"), new JWTOptions())));
    assertEquals(Session.NEVER, token.expiresAt());
    assertEquals("read", token.scope());
    assertTrue(token.allows(io.vertx.core.http.HttpMethod.GET));
    assertFalse(token.allows(io.vertx.core.http.HttpMethod.POST));
    assertRefused(keys.sign(vertx, claims, new JWTOptions()));
    assertRefused(keys.sign(vertx, claims.copy().put("scp", "admin"), new JWTOptions()));
    assertRefused(keys.sign(vertx, claims.copy().put("scp", "read-write").put("exp", nowMs / 1000 - 5),
        new JWTOptions()));

    RevokedSessions revoked = current(v -> Future.succeededFuture(RevocationPage.none(v)));
    SessionVerifier withRevocations = verifier.withRevocations(revoked);
    String writer = keys.sign(vertx, claims.copy().put("sid", "t-2").put("scp", "read-write"), new JWTOptions());
    revoked.apply(Revocation.ofUser("u-7", nowMs, nowMs + 60_000));
    assertEquals("t-2", Http.await(withRevocations.verify(writer)).sessionId(), "everywhere ends sessions only");
    revoked.apply(Revocation.ofSession("t-2", Long.MAX_VALUE));
    assertRefused(withRevocations, writer);
    revoked.close();
  }

  @Test
  @DisplayName("Signing out everywhere refuses every session of that user started before it, remembered or not, but not a later one nor another user's")
  void everywhere() throws Exception {
    RevokedSessions revoked = current(v -> Future.succeededFuture(RevocationPage.none(v)));
    SessionVerifier withRevocations = verifier.withRevocations(revoked);
    long nowMs = System.currentTimeMillis();
    String remembered = sessionToken("u-4", nowMs - 60_000);
    String other = sessionToken("u-4", nowMs - 1);
    String otherUser = sessionToken("u-5", nowMs - 60_000);
    Http.await(withRevocations.verify(remembered));
    revoked.apply(Revocation.ofUser("u-4", nowMs, nowMs + 60_000));
    assertRefused(withRevocations, remembered);
    assertRefused(withRevocations, other);
    assertEquals("u-5", Http.await(withRevocations.verify(otherUser)).userId());
    assertEquals("u-4", Http.await(withRevocations.verify(sessionToken("u-4", nowMs + 1))).userId(),
        "a session signed in after it");
    revoked.close();
  }

  @Test
  @DisplayName("Until the revocations are loaded every valid token gets 503, with retries until they are; once the source stops answering, 503 again within the staleness bound")
  void staleRevocationsRefuseWith503() throws Exception {
    java.util.concurrent.atomic.AtomicBoolean answering = new java.util.concurrent.atomic.AtomicBoolean(false);
    java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
    RevokedSessions revoked = Http.await(RevokedSessions.create(vertx, v -> {
      asked.incrementAndGet();
      return answering.get() ? Future.succeededFuture(RevocationPage.none(v)) : Future.failedFuture("down");
    }, FAST).start());
    SessionVerifier withRevocations = verifier.withRevocations(revoked);
    String token = keys.token(vertx, "u-6", "f@example.com", "f");
    assertUnavailable(withRevocations, token);
    awaitTrue(() -> asked.get() >= 3, "the load is retried");
    assertUnavailable(withRevocations, token);
    assertTrue(revoked.readiness().failed(), "not ready");
    answering.set(true);
    awaitTrue(revoked::fresh, "loaded once the source answers");
    assertEquals("u-6", Http.await(withRevocations.verify(token)).userId());
    assertTrue(revoked.readiness().succeeded());
    answering.set(false);
    awaitTrue(() -> !revoked.fresh(), "stale once the source stops answering");
    assertUnavailable(withRevocations, token);
    assertRefused(withRevocations, "garbage");
    revoked.close();
  }

  @Test
  @DisplayName("Started while the source answers, if slowly, the copy is current the moment the start completes (the instance is then announced and routed); a source that never answers holds the start back by at most the request timeout")
  void startWaitsForTheFirstLoad() throws Exception {
    // Answers after 150 ms: under the request timeout (200 ms), as a busy auth-service would.
    RevokedSessions slow = Http.await(RevokedSessions.create(vertx, v -> {
      io.vertx.core.Promise<RevocationPage> later = io.vertx.core.Promise.promise();
      vertx.setTimer(150, id -> later.complete(RevocationPage.none("1-0")));
      return later.future();
    }, FAST).start());
    assertTrue(slow.fresh(), "current when started: a signed-in request routed to it at once is served, not 503");
    slow.close();

    long start = System.nanoTime();
    RevokedSessions silent = Http.await(RevokedSessions.create(vertx, v -> io.vertx.core.Promise.<RevocationPage>promise()
        .future(), FAST).start());
    long took = (System.nanoTime() - start) / 1_000_000;
    assertFalse(silent.fresh());
    assertTrue(took < FAST.requestTimeout().toMillis() + 1000, "the start was held back " + took + " ms");
    assertTrue(silent.readiness().failed(), "not ready: its readiness says so");
    silent.close();
  }

  @Test
  @DisplayName("A revocation whose event was lost is learned at the next catch-up, from the version last seen, and reported to listeners")
  void lostEventIsCaughtUp() throws Exception {
    java.util.List<String> versionsAsked = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.concurrent.atomic.AtomicReference<RevocationPage> next = new java.util.concurrent.atomic.AtomicReference<>(
        RevocationPage.none("5-0"));
    RevokedSessions revoked = current(v -> {
      versionsAsked.add(String.valueOf(v));
      return Future.succeededFuture(next.getAndSet(RevocationPage.none("6-0")));
    });
    java.util.List<Revocation> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
    revoked.onRevoked(heard::add);
    SessionVerifier withRevocations = verifier.withRevocations(revoked);
    String token = keys.token(vertx, "u-7", "g@example.com", "g");
    Session session = Http.await(withRevocations.verify(token));
    next.set(new RevocationPage(List.of(Revocation.ofSession(session.sessionId(), System.currentTimeMillis() + 60_000)),
        "6-0", false));
    awaitTrue(() -> !heard.isEmpty(), "learned without any event");
    assertRefused(withRevocations, token);
    assertTrue(versionsAsked.contains("5-0"), "asked from the last version: " + versionsAsked);
    revoked.close();
  }

  private static final io.cotoami.common.session.RevocationConfig FAST = new io.cotoami.common.session.RevocationConfig(
      java.time.Duration.ofMillis(100), java.time.Duration.ofMillis(400));

  private static RevokedSessions current(RevokedSessions.Source source) throws Exception {
    RevokedSessions revoked = Http.await(RevokedSessions.create(vertx, source, FAST).start());
    awaitTrue(revoked::fresh, "loaded");
    return revoked;
  }

  private static String sessionToken(String userId, long startedAt) {
    return keys.sign(vertx, new JsonObject().put("sub", userId).put("sid", java.util.UUID.randomUUID().toString())
        .put("sst", startedAt), new JWTOptions().setExpiresInMinutes(5));
  }

  private static long now() {
    return System.currentTimeMillis() / 1000;
  }

  /** Signs header and claims as they are (ES256, JOSE signature format), so any header can be tried. */
  private static String signRaw(JsonObject header, JsonObject claims) throws Exception {
    String pem = java.nio.file.Files.readString(keys.privateKeyFile())
        .replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    java.security.PrivateKey key = java.security.KeyFactory.getInstance("EC")
        .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
    String input = b64(header.encode()) + "." + b64(claims.encode());
    java.security.Signature signature = java.security.Signature.getInstance("SHA256withECDSAinP1363Format");
    signature.initSign(key);
    signature.update(input.getBytes(StandardCharsets.US_ASCII));
    return input + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature.sign());
  }

  private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) throws Exception {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 10 s: " + what);
      }
      java.util.concurrent.TimeUnit.MILLISECONDS.sleep(20);
    }
  }

  private static void assertUnavailable(SessionVerifier verifier, String token) throws Exception {
    try {
      Http.await(verifier.verify(token));
      throw new AssertionError("accepted a token while revocations were unknown");
    } catch (ExecutionException e) {
      assertTrue(e.getCause() instanceof ProblemException, String.valueOf(e.getCause()));
      assertEquals(503, ((ProblemException) e.getCause()).problem().status());
    }
  }

  private static void assertRefused(String token) throws Exception {
    assertRefused(verifier, token);
  }

  private static void assertRefused(SessionVerifier verifier, String token) throws Exception {
    try {
      Http.await(verifier.verify(token));
      throw new AssertionError("accepted a bad token: " + token);
    } catch (ExecutionException e) {
      assertTrue(e.getCause() instanceof ProblemException, String.valueOf(e.getCause()));
      assertEquals(401, ((ProblemException) e.getCause()).problem().status());
    }
  }

  private static String b64(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }
}
