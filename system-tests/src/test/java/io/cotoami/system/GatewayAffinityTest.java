package io.cotoami.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cotoami.common.runtime.ServiceInstance;
import io.cotoami.gateway.GatewayConfig;
import io.cotoami.gateway.GatewayMain;
import io.cotoami.infra.FreePorts;
import io.cotoami.infra.RedisServer;
import io.cotoami.infra.SmtpServer;
import io.cotoami.infra.TestConfigs;
import io.cotoami.mail.MailServiceConfig;
import io.cotoami.mail.MailServiceMain;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Cookie affinity, failover and draining through a real gateway in front of several instances of
 * one service (mail-service's http-debug-server answers {@code /api/debug/mail-service}).
 */
class GatewayAffinityTest {
  private static final String SERVICE = "mail-service";
  private static final String COOKIE = "cotoami_route_mail_service";
  private static final String PATH = "/api/debug/" + SERVICE;

  private String cluster;
  private RedisServer redis;
  private SmtpServer smtp;
  private ServiceInstance gateway;
  private final List<ServiceInstance> instances = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();
  private Http http;

  @BeforeEach
  void start() throws Exception {
    cluster = TestConfigs.newClusterName();
    redis = RedisServer.startTemporary();
    smtp = SmtpServer.start(0);
    gateway = Http.await(GatewayMain.start(GatewayConfig.fromEnv(TestConfigs.of(cluster,
        Map.of("UPSTREAM_TIMEOUT", "5s", "UPSTREAM_CONNECT_TIMEOUT", "1s")))));
    http = new Http(gateway.httpPort());
  }

  @AfterEach
  void stop() throws Exception {
    List<Future<Void>> stops = new ArrayList<>();
    instances.forEach(instance -> stops.add(instance.shutdown()));
    // Together: each takes about three seconds to leave the cluster.
    stops.add(gateway.shutdown());
    Http.await(Future.join(stops));
    processes.forEach(Process::destroyForcibly);
    http.close();
    smtp.close();
    redis.close();
  }

  private Map<String, String> mailEnv() {
    Map<String, String> env = new HashMap<>();
    env.put("REDIS_URL", redis.config().url());
    env.put("SMTP_HOST", "127.0.0.1");
    env.put("SMTP_PORT", String.valueOf(smtp.port()));
    env.put("SHUTDOWN_GRACE_PERIOD", "10s");
    return env;
  }

  private ServiceInstance startInstance() throws Exception {
    ServiceInstance instance = Http.await(MailServiceMain.start(MailServiceConfig.fromEnv(TestConfigs.of(cluster, mailEnv()))));
    instances.add(instance);
    return instance;
  }

  private void awaitRouted(int count) throws Exception {
    http.until("/api/instances", r -> r.bodyAsString().split("\"" + SERVICE + "\"", -1).length - 1 == count
        && !r.bodyAsString().contains("DRAINING"), 30);
  }

  private HttpResponse<Buffer> get(String cookie) throws Exception {
    var request = http.client().get(PATH);
    if (cookie != null) {
      request.putHeader("Cookie", COOKIE + "=" + cookie);
    }
    return http.send(request);
  }

  private static String routeCookie(HttpResponse<Buffer> response) {
    return response.cookies().stream().filter(c -> c.startsWith(COOKIE + "="))
        .map(c -> c.substring(COOKIE.length() + 1, c.indexOf(';'))).findFirst().orElse(null);
  }

  @Test
  @DisplayName("Without a cookie requests spread over every ready instance and each answer pins the client; with it, 1,000 calls in a row reach the same instance")
  void stickiness() throws Exception {
    for (int i = 0; i < 3; i++) {
      startInstance();
    }
    awaitRouted(3);
    Set<String> seen = new HashSet<>();
    Map<String, String> cookieToInstance = new HashMap<>();
    for (int i = 0; i < 30; i++) {
      HttpResponse<Buffer> response = get(null);
      assertEquals(200, response.statusCode());
      String instanceId = response.bodyAsJsonObject().getString("instanceId");
      seen.add(instanceId);
      String cookie = routeCookie(response);
      assertNotNull(cookie, "a client without a cookie is given one");
      assertTrue(!cookie.contains(instanceId) && !cookie.contains("127.0.0.1"), "the cookie reveals nothing");
      cookieToInstance.put(cookie, instanceId);
    }
    assertEquals(3, seen.size(), "spread over all three instances");
    assertEquals(3, cookieToInstance.size(), "one cookie value per instance");

    String cookie = cookieToInstance.keySet().iterator().next();
    String pinned = cookieToInstance.get(cookie);
    int same = 0;
    for (int i = 0; i < 1000; i++) {
      HttpResponse<Buffer> response = get(cookie);
      if (response.statusCode() == 200 && pinned.equals(response.bodyAsJsonObject().getString("instanceId"))) {
        same++;
      }
      assertNull(routeCookie(response), "a valid cookie is not replaced");
    }
    assertTrue(same >= 999, same + " of 1000 reached the pinned instance");
  }

  @Test
  @DisplayName("A forged, stale or garbage cookie is treated as no cookie: the request succeeds and a new cookie is issued")
  void forgedCookies() throws Exception {
    startInstance();
    awaitRouted(1);
    String valid = routeCookie(get(null));
    String flipped = (valid.charAt(0) == 'A' ? "B" : "A") + valid.substring(1);
    for (String bad : List.of("garbage", "", flipped, "127.0.0.1:8081", "x".repeat(4000), valid.substring(1))) {
      HttpResponse<Buffer> response = get(bad);
      assertEquals(200, response.statusCode(), "cookie '" + bad + "'");
      assertEquals(valid, routeCookie(response), "a fresh cookie for the only instance");
    }
  }

  @Test
  @DisplayName("When the pinned instance drains, its request in flight finishes there and the client moves, with a new cookie")
  void drainingMovesClients() throws Exception {
    ServiceInstance a = startInstance();
    startInstance();
    awaitRouted(2);
    String cookie = null;
    while (cookie == null) {
      HttpResponse<Buffer> response = get(null);
      if (a.config().instanceId().equals(response.bodyAsJsonObject().getString("instanceId"))) {
        cookie = routeCookie(response);
      }
    }
    Future<HttpResponse<Buffer>> inFlight = http.start(http.client().get(PATH + "?delay=1500")
        .putHeader("Cookie", COOKIE + "=" + cookie), null);
    // Drain only once a is serving the request, or the gateway may rightly send it elsewhere.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (a.requestsInFlight() == 0 && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(10);
    }
    assertEquals(1, a.requestsInFlight(), "the request with a delay is being served by a");
    Future<Void> draining = a.shutdown();
    http.until("/api/instances", r -> r.bodyAsString().contains("DRAINING") || !r.bodyAsString()
        .contains(a.config().instanceId()), 10);
    HttpResponse<Buffer> moved = get(cookie);
    assertEquals(200, moved.statusCode());
    assertNotEquals(a.config().instanceId(), moved.bodyAsJsonObject().getString("instanceId"));
    assertNotNull(routeCookie(moved), "the moved client gets a new cookie");
    HttpResponse<Buffer> finished = Http.await(inFlight);
    assertEquals(200, finished.statusCode());
    assertEquals(a.config().instanceId(), finished.bodyAsJsonObject().getString("instanceId"));
    Http.await(draining);
    instances.remove(a);
  }

  @Test
  @DisplayName("A rolling restart of every instance, one by one, under steady load gives zero failed requests")
  void rollingRestart() throws Exception {
    startInstance();
    startInstance();
    awaitRouted(2);
    Load load = Load.start(http, 4);
    for (ServiceInstance old : new ArrayList<>(instances)) {
      startInstance();
      awaitRouted(3);
      Http.await(old.shutdown());
      instances.remove(old);
      awaitRouted(2);
    }
    Load.Result result = load.stop();
    assertTrue(result.ok > 100, "the load ran: " + result);
    assertEquals(0, result.failed, "failed requests: " + result);
  }

  @Test
  @DisplayName("kill -9 of the pinned instance under load: clients move with a new cookie and no idempotent request fails")
  void killNine() throws Exception {
    int managementA = FreePorts.next();
    int managementB = FreePorts.next();
    Process a = startProcess(FreePorts.next(), managementA);
    Process b = startProcess(FreePorts.next(), managementB);
    try (Http direct = new Http(managementA); Http directB = new Http(managementB)) {
      direct.until("/health/ready", r -> r.statusCode() == 200, 90);
      directB.until("/health/ready", r -> r.statusCode() == 200, 90);
    }
    awaitRouted(2);
    Load load = Load.start(http, 4);
    load.awaitOk(50);
    // Kill whichever instance the first client is pinned to.
    String victim = load.lastInstanceOf(0);
    Process doomed = victim.contains("-" + a.pid() + "-") ? a : b;
    doomed.destroyForcibly();
    assertTrue(doomed.waitFor(10, TimeUnit.SECONDS));
    load.awaitOk(200);
    Load.Result result = load.stop();
    assertEquals(0, result.failed, "failed requests: " + result);
    assertTrue(result.cookieChanges > 0, "clients of the dead instance were moved with a new cookie: " + result);
    assertTrue(load.lastInstanceOf(0) != null && !load.lastInstanceOf(0).equals(victim), "client 0 moved");
  }

  private Process startProcess(int port, int managementPort) throws Exception {
    Map<String, String> env = new HashMap<>(mailEnv());
    env.put("HTTP_PORT", String.valueOf(port));
    env.put("MANAGEMENT_PORT", String.valueOf(managementPort));
    ServiceProcess process = ServiceProcess.start(MailServiceMain.class, cluster, env);
    processes.add(process.process());
    return process.process();
  }

  /** Clients, each with its own cookie jar, calling the debug route back to back until stopped. */
  private static final class Load {
    record Result(int ok, int failed, int cookieChanges, Map<Integer, Integer> statuses) {
    }

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger ok = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger cookieChanges = new AtomicInteger();
    private final Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
    private final Map<Integer, String> lastInstance = new ConcurrentHashMap<>();
    private final List<Future<Void>> loops = new ArrayList<>();

    static Load start(Http http, int clients) {
      Load load = new Load();
      for (int i = 0; i < clients; i++) {
        Promise<Void> done = Promise.promise();
        load.loops.add(done.future());
        load.next(http, i, null, done);
      }
      return load;
    }

    private void next(Http http, int id, String cookie, Promise<Void> done) {
      if (!running.get()) {
        done.complete();
        return;
      }
      var request = http.client().get(PATH);
      if (cookie != null) {
        request.putHeader("Cookie", COOKIE + "=" + cookie);
      }
      http.start(request, null).onComplete(ar -> {
        String nextCookie = cookie;
        if (ar.succeeded() && ar.result().statusCode() == 200) {
          ok.incrementAndGet();
          lastInstance.put(id, ar.result().bodyAsJsonObject().getString("instanceId"));
          String issued = routeCookie(ar.result());
          if (issued != null) {
            if (cookie != null && !issued.equals(cookie)) {
              cookieChanges.incrementAndGet();
            }
            nextCookie = issued;
          }
        } else {
          failed.incrementAndGet();
          statuses.merge(ar.succeeded() ? ar.result().statusCode() : -1, 1, Integer::sum);
        }
        next(http, id, nextCookie, done);
      });
    }

    String lastInstanceOf(int client) {
      return lastInstance.get(client);
    }

    void awaitOk(int more) throws InterruptedException {
      int target = ok.get() + more;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (ok.get() < target && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(20);
      }
    }

    Result stop() throws Exception {
      running.set(false);
      Http.await(Future.all(loops));
      return new Result(ok.get(), failed.get(), cookieChanges.get(), Map.copyOf(statuses));
    }
  }
}
