package io.cotoami.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cotoami.auth.AuthServiceMain;
import io.cotoami.common.config.PgConfig;
import io.cotoami.coto.CotoServiceMain;
import io.cotoami.gateway.GatewayMain;
import io.cotoami.infra.FreePorts;
import io.cotoami.infra.PostgresServer;
import io.cotoami.infra.RedisServer;
import io.cotoami.infra.TestConfigs;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Revoked sessions under faults, with every service its own process: a gateway that starts while
 * auth-service is stopped and Redis frozen, a coto-service frozen past the heartbeat while a
 * session is signed out, and "sign out everywhere" across two gateways.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class RevocationProcessTest {
  private static final String CLUSTER = TestConfigs.newClusterName();
  private static PostgresServer postgres;
  private static RedisServer redis;
  private static PgConfig pg;
  private static ServiceProcess auth;
  private static ServiceProcess coto;
  private static ServiceProcess gatewayA;
  private static ServiceProcess gatewayB;
  private static final List<ServiceProcess> others = new ArrayList<>();
  private static int portA;
  private static int portB;
  private static Http httpA;
  private static Http httpB;
  private static Vertx vertx;
  private static WebSocketClient sockets;

  @BeforeAll
  static void start() throws Exception {
    postgres = PostgresServer.startTemporary();
    redis = RedisServer.startTemporary();
    pg = postgres.ensureDatabase("cotoami", "cotoami", "secret");
    portA = FreePorts.next();
    portB = FreePorts.next();
    auth = startAuth();
    coto = ServiceProcess.start(CotoServiceMain.class, CLUSTER, fastMerge(TestConfigs.stores(pg, redis)));
    gatewayA = ServiceProcess.start(GatewayMain.class, CLUSTER, gatewayEnv(portA));
    gatewayB = ServiceProcess.start(GatewayMain.class, CLUSTER, gatewayEnv(portB));
    httpA = new Http(portA);
    httpB = new Http(portB);
    for (int port : List.of(portA, portB)) {
      try (Http management = management(port)) {
        management.until("/health/ready", r -> r.statusCode() == 200, 240);
      }
    }
    vertx = Vertx.vertx();
    sockets = vertx.createWebSocketClient();
    for (Http http : List.of(httpA, httpB)) {
      awaitReadyInstances(http, "coto-service", 1, 120);
      awaitReadyInstances(http, "auth-service", 1, 120);
      // coto-service is listed READY once started, but serves sessions only once it has read the
      // revocations from auth-service (503 until then): wait for that too, bounded.
      awaitHome(http, token(UUID.randomUUID().toString()), 200, 120);
    }
  }

  private static ServiceProcess startAuth() throws Exception {
    return ServiceProcess.start(AuthServiceMain.class, CLUSTER, fastMerge(TestConfigs.stores(pg, redis)));
  }

  /** Hazelcast's split-brain merge runs after 5 minutes by default; here within seconds (this test only). */
  private static Map<String, String> fastMerge(Map<String, String> env) {
    Map<String, String> copy = new HashMap<>(env);
    copy.put("JAVA_TOOL_OPTIONS", "-Dhazelcast.merge.first.run.delay.seconds=3 -Dhazelcast.merge.next.run.delay.seconds=3");
    return copy;
  }

  /** The management port of the gateway process listening on {@code port}. */
  private static Http management(int port) {
    return new Http(ServiceProcess.managementPort(port));
  }

  private static Map<String, String> gatewayEnv(int port) {
    Map<String, String> env = new HashMap<>();
    env.put("HTTP_PORT", String.valueOf(port));
    env.put("MANAGEMENT_PORT", String.valueOf(ServiceProcess.managementPort(port)));
    return fastMerge(env);
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      vertx.close();
    }
    for (Http http : new Http[] {httpA, httpB}) {
      if (http != null) {
        http.close();
      }
    }
    List<ServiceProcess> all = new ArrayList<>(others);
    all.add(gatewayA);
    all.add(gatewayB);
    all.add(coto);
    all.add(auth);
    for (ServiceProcess process : all) {
      if (process != null) {
        signal("CONT", process.pid());
      }
    }
    ServiceProcess.closeAll(all);
    if (redis != null) {
      signal("CONT", redisPid());
      redis.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  private static String token(String userId) {
    return TestConfigs.keys().token(vertx, userId, "u-" + userId.substring(0, 8) + "@example.com", "u");
  }

  private static int signOut(Http http, String token, boolean everywhere) throws Exception {
    return http.send(http.client().post("/api/auth/signout" + (everywhere ? "?everywhere=true" : ""))
        .putHeader("Authorization", "Bearer " + token)).statusCode();
  }

  private static int home(Http http, String token) throws Exception {
    return http.send(http.client().get("/api/cotos").putHeader("Authorization", "Bearer " + token)).statusCode();
  }

  /** The handshake's status: 101 when the socket opened (then closed again at once). */
  private static int handshake(int port, String token) throws Exception {
    try {
      Http.await(sockets.connect(options(port, token))).close();
      return 101;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UpgradeRejectedException) {
        return ((UpgradeRejectedException) e.getCause()).getStatus();
      }
      return -1;
    }
  }

  private static WebSocketConnectOptions options(int port, String token) {
    return new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/api/ws")
        .addHeader("Authorization", "Bearer " + token);
  }

  @Test
  @Order(3)
  @DisplayName("A gateway started while auth-service is stopped and Redis frozen never lets a revoked token through, REST or WebSocket; once they are back it is ready and still refuses it")
  void gatewayStartedBlind() throws Exception {
    String revoked = token(UUID.randomUUID().toString());
    awaitHome(httpA, revoked, 200, 120);
    assertEquals(204, signOut(httpA, revoked, false));
    awaitHome(httpA, revoked, 401, 5);

    ServiceProcess.closeAll(List.of(auth, gatewayB));
    // Both gone from the cluster (not just draining) before gateway C joins it.
    awaitInstances(httpA, "auth-service", 0, 60);
    awaitInstances(httpA, "gateway", 1, 60);
    long redisPid = redisPid();
    signal("STOP", redisPid);
    int portC = FreePorts.next();
    ServiceProcess gatewayC;
    List<Integer> restAnswers = new ArrayList<>();
    List<Integer> wsAnswers = new ArrayList<>();
    try (Http httpC = new Http(portC)) {
      gatewayC = ServiceProcess.start(GatewayMain.class, CLUSTER, gatewayEnv(portC));
      others.add(gatewayC);
      // From the moment it listens until well past its staleness bound: never a 200, never a socket.
      long listening = 0;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
      while (System.nanoTime() < deadline && (listening == 0 || System.nanoTime() - listening < TimeUnit.SECONDS.toNanos(8))) {
        int rest;
        try {
          rest = home(httpC, revoked);
        } catch (Exception notYet) {
          TimeUnit.MILLISECONDS.sleep(100);
          continue;
        }
        listening = listening == 0 ? System.nanoTime() : listening;
        restAnswers.add(rest);
        wsAnswers.add(handshake(portC, revoked));
      }
      assertTrue(listening != 0, "gateway C started listening; its last lines and threads: "
          + gatewayC.diagnosis());
      assertTrue(restAnswers.stream().noneMatch(s -> s / 100 == 2), "REST answers while blind: " + restAnswers);
      assertTrue(wsAnswers.stream().noneMatch(s -> s == 101), "handshakes while blind: " + wsAnswers);
      assertTrue(restAnswers.contains(503) && wsAnswers.contains(503), "refused as unavailable: " + restAnswers + wsAnswers);
      HttpResponse<Buffer> unavailable = httpC.send(httpC.client().get("/api/cotos")
          .putHeader("Authorization", "Bearer " + revoked));
      assertEquals(503, unavailable.statusCode());
      assertEquals("application/problem+json", unavailable.getHeader("Content-Type"));
      assertNotNull(unavailable.getHeader("Retry-After"));
      HttpResponse<Buffer> notReady;
      try (Http management = management(portC)) {
        notReady = management.get("/health/ready");
      }
      assertEquals(503, notReady.statusCode());
      assertTrue(notReady.bodyAsString().contains("revocations"), notReady.bodyAsString());
    } finally {
      signal("CONT", redisPid);
    }
    auth = startAuth();
    try (Http httpC = new Http(portC); Http managementC = management(portC)) {
      managementC.until("/health/ready", r -> r.statusCode() == 200, 240);
      awaitReadyInstances(httpC, "auth-service", 1, 120);
      assertEquals(401, handshake(portC, revoked), "the revoked session, once the gateway knows");
      String fresh = token(UUID.randomUUID().toString());
      assertEquals(101, handshake(portC, fresh));
      // coto-service lost its revocation source too while auth-service was down, and refuses every
      // session with 503 until its next catch-up from the restarted auth-service: a bounded wait.
      awaitHome(httpC, fresh, 200, 60);
      for (int i = 0; i < 20; i++) {
        assertEquals(401, home(httpC, revoked), "the revoked session, once every instance knows");
      }
      assertEquals(200, home(httpC, fresh));
    }
  }

  // The frozen coto-service misses the revocation event while split off; it merges back within
  // seconds of SIGCONT (ListeningMembersDiscovery) and is unready until it has read the
  // revocations again, so no request with the revoked token reaches it before that.
  @Test
  @Order(2)
  @DisplayName("A coto-service frozen past the heartbeat misses a sign-out during the split; after it merges back, 0 of 100 requests with the revoked token succeed")
  void frozenCotoService() throws Exception {
    String revoked = token(UUID.randomUUID().toString());
    assertEquals(200, home(httpA, revoked));
    long membershipLines = membershipLines(gatewayA);
    signal("STOP", coto.pid());
    try {
      awaitReadyInstances(httpA, "coto-service", 0, 60);
      // Past the heartbeat: Hazelcast itself removed the frozen member, so the publish cannot reach it.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (gatewayA.stdoutLines().stream().filter(l -> l.contains("Members {size:")).skip(membershipLines)
          .noneMatch(l -> l.contains("Members {size:3,"))) {
        assertTrue(System.nanoTime() < deadline, "the frozen coto-service was removed from the cluster within 60 s");
        TimeUnit.MILLISECONDS.sleep(200);
      }
      assertEquals(204, signOut(httpA, revoked, false), "signed out while coto-service is split off");
    } finally {
      signal("CONT", coto.pid());
    }
    awaitReadyInstances(httpA, "coto-service", 1, 180);
    // Merged and serving again (a valid session is answered by it), and only then the revoked one.
    awaitHome(httpA, token(UUID.randomUUID().toString()), 200, 120);
    int succeeded = 0;
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      int status = home(httpA, revoked);
      statuses.add(status);
      succeeded += status / 100 == 2 ? 1 : 0;
    }
    assertEquals(0, succeeded, "requests with the revoked token that succeeded: " + statuses);
    assertEquals(200, home(httpA, token(UUID.randomUUID().toString())), "a valid session is still served");
  }

  /** Polls the home timeline with {@code token} until it answers {@code status}. */
  private static void awaitHome(Http http, String token, int status, int seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    int last = 0;
    while (last != status) {
      assertTrue(System.nanoTime() < deadline, "no " + status + " within " + seconds + " s; last " + last);
      last = home(http, token);
      if (last != status) {
        TimeUnit.MILLISECONDS.sleep(100);
      }
    }
  }

  @Test
  @Order(1)
  @DisplayName("Sign out everywhere: two sessions of one user on two gateways are both refused within a second, sockets closed, another user untouched")
  void signOutEverywhere() throws Exception {
    String userId = UUID.randomUUID().toString();
    String onA = token(userId);
    String onB = token(userId);
    String bystander = token(UUID.randomUUID().toString());
    LiveProbe socketA = new LiveProbe(Http.await(sockets.connect(options(portA, onA))));
    LiveProbe socketB = new LiveProbe(Http.await(sockets.connect(options(portB, onB))));
    LiveProbe socketOther = new LiveProbe(Http.await(sockets.connect(options(portB, bystander))));
    assertEquals(200, home(httpB, onB));

    assertEquals(204, signOut(httpA, onA, true));
    long signedOut = System.nanoTime();
    assertEquals((short) 1008, socketA.closed.poll(1, TimeUnit.SECONDS), "A's socket closed within a second");
    assertEquals((short) 1008, socketB.closed.poll(Math.max(1, 1000 - elapsedMs(signedOut)), TimeUnit.MILLISECONDS),
        "B's socket closed within a second");
    int status = 0;
    while (status != 401 && elapsedMs(signedOut) < 1000) {
      status = home(httpB, onB);
    }
    assertEquals(401, status, "the other session refused through the other gateway within a second");
    assertTrue(elapsedMs(signedOut) < 1000, "within a second: " + elapsedMs(signedOut) + " ms");
    assertEquals(401, home(httpA, onB));
    assertEquals(401, handshake(portB, onA));
    assertEquals(200, home(httpB, bystander));
    assertTrue(socketOther.closed.isEmpty(), "another user's socket stays open");
    String later = TestConfigs.keys().sign(vertx, new JsonObject().put("sub", userId).put("sid", UUID.randomUUID().toString())
        .put("sst", System.currentTimeMillis()), new io.vertx.ext.auth.JWTOptions().setExpiresInMinutes(5));
    assertEquals(200, home(httpA, later), "a session signed in afterwards works");
    socketOther.ws.close();
  }

  private static long membershipLines(ServiceProcess process) throws Exception {
    return process.stdoutLines().stream().filter(l -> l.contains("Members {size:")).count();
  }

  private static long elapsedMs(long since) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
  }

  private static void awaitReadyInstances(Http http, String service, int count, int seconds) throws Exception {
    http.until("/api/instances", r -> r.bodyAsJsonObject().getJsonArray("instances").stream()
        .map(JsonObject.class::cast)
        .filter(i -> service.equals(i.getString("service")) && "READY".equals(i.getString("state")))
        .count() == count, seconds);
  }

  /** Waits until the registry lists {@code count} instances of {@code service}, in any state. */
  private static void awaitInstances(Http http, String service, int count, int seconds) throws Exception {
    http.until("/api/instances", r -> r.bodyAsJsonObject().getJsonArray("instances").stream()
        .map(JsonObject.class::cast)
        .filter(i -> service.equals(i.getString("service")))
        .count() == count, seconds);
  }

  private static long redisPid() {
    return ProcessHandle.current().descendants()
        .filter(p -> p.info().command().map(c -> c.contains("redis-server")).orElse(false))
        .findFirst().orElseThrow(() -> new AssertionError("no embedded redis-server process")).pid();
  }

  private static void signal(String name, long pid) throws Exception {
    new ProcessBuilder("kill", "-" + name, String.valueOf(pid)).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
  }
}
