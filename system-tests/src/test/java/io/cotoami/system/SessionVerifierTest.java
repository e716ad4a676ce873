package io.cotoami.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cotoami.common.config.Env;
import io.cotoami.common.http.ProblemException;
import io.cotoami.common.session.RevokedSessions;
import io.cotoami.common.session.Session;
import io.cotoami.common.session.SessionKeys;
import io.cotoami.common.session.SessionVerifier;
import io.cotoami.infra.SessionKeyPair;
import io.vertx.core.Vertx;
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
    RevokedSessions revoked = Http.await(RevokedSessions.listen(vertx));
    SessionVerifier withRevocations = verifier.withRevocations(revoked);
    String token = keys.token(vertx, "u-2", "bob@example.com", "bob");
    Session first = Http.await(withRevocations.verify(token));
    assertEquals(first, Http.await(withRevocations.verify(token)), "the same session again");
    revoked.add(first.sessionId(), System.currentTimeMillis() + 60_000);
    assertRefused(withRevocations, token);

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
