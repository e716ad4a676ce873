package io.cotoami.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.cluster.Member;
import io.cotoami.common.bus.Addresses;
import io.cotoami.common.config.InstanceConfig;
import io.cotoami.common.config.PgConfig;
import io.cotoami.common.registry.InstanceInfo;
import io.cotoami.common.runtime.ServiceInstance;
import io.cotoami.coto.CotoServiceMain;
import io.cotoami.gateway.GatewayMain;
import io.cotoami.infra.FreePorts;
import io.cotoami.infra.PostgresServer;
import io.cotoami.infra.RedisServer;
import io.cotoami.infra.TestConfigs;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The cluster under faults, as deployed: a gateway and two coto-service processes, plus this JVM
 * as a plain member that watches the membership. One coto-service is frozen (SIGSTOP) past the
 * heartbeat timeout and resumed; then the other is stopped with SIGTERM. The order is fixed.
 */
// Known to fail (issue 15, left open): a member frozen past the heartbeat is not merged back
// within 15 s, and a SIGTERM'd member leaves the others' member list only after about 4 s.
// Take @Disabled off to run it while working on those two promises.
@Disabled("issue 15: the merge back within 10 s and the 1 s leave are not achieved yet")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterFaultsTest {
  private static final String CLUSTER = TestConfigs.newClusterName();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private static PostgresServer postgres;
  private static RedisServer redis;
  private static ServiceProcess gateway;
  private static final List<ServiceProcess> cotoServices = new ArrayList<>();
  private static final List<Integer> cotoPorts = new ArrayList<>();
  private static int gatewayPort;
  private static ServiceInstance observer;
  private static final Map<Integer, InstanceInfo> announced = new java.util.concurrent.ConcurrentHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    postgres = PostgresServer.startTemporary();
    redis = RedisServer.startTemporary();
    PgConfig pg = postgres.ensureDatabase("cotoami", "cotoami", "secret");
    // The watching member first: the processes then join a cluster that exists (several members
    // claiming mastership at once can take a minute on a busy machine).
    observer = Http.await(ServiceInstance.start(InstanceConfig.fromEnv("observer", 0, TestConfigs.of(CLUSTER, Map.of()))));
    // What each instance announces (its HTTP port, instance id and cluster node id).
    Http.await(observer.vertx().eventBus().<JsonObject>consumer(Addresses.INSTANCE_ANNOUNCED,
        m -> announced.put(m.body().getInteger("port"), InstanceInfo.fromJson(m.body()))).completion());
    gatewayPort = FreePorts.next();
    gateway = ServiceProcess.start(GatewayMain.class, CLUSTER, Map.of("HTTP_PORT", String.valueOf(gatewayPort)));
    for (int i = 0; i < 2; i++) {
      int port = FreePorts.next();
      Map<String, String> env = new HashMap<>(TestConfigs.stores(pg, redis));
      env.put("HTTP_PORT", String.valueOf(port));
      env.put("MANAGEMENT_PORT", String.valueOf(ServiceProcess.managementPort(port)));
      cotoPorts.add(port);
      cotoServices.add(ServiceProcess.start(CotoServiceMain.class, CLUSTER, env));
    }
    await(() -> readyInGateway(cotoPorts.get(0)) && readyInGateway(cotoPorts.get(1)), 180, "both coto-services ready");
  }

  @AfterAll
  static void stop() throws Exception {
    for (ServiceProcess process : cotoServices) {
      process.close();
    }
    if (gateway != null) {
      gateway.close();
    }
    if (observer != null) {
      Http.await(observer.shutdown());
    }
    redis.close();
    postgres.close();
  }

  @Test
  @Order(1)
  @DisplayName("A coto-service frozen past the heartbeat timeout is not ready while split from the cluster, and ready again, back in the cluster, within 10 s of SIGCONT")
  void frozenMember() throws Exception {
    int port = cotoPorts.get(1);
    String nodeId = nodeIdOf(port);
    await(() -> readiness(port) == 200, 60, "ready before the freeze");
    long resumed;
    try (Freeze frozen = Freeze.process(cotoServices.get(1).pid())) {
      await(() -> !members().contains(nodeId), 30, "the others drop the frozen member");
      resumed = System.nanoTime();
    }
    List<String> seen = new ArrayList<>();
    long readyAt = -1;
    while (System.nanoTime() - resumed < TimeUnit.SECONDS.toNanos(15)) {
      int status = readiness(port);
      boolean member = members().contains(nodeId);
      long at = (System.nanoTime() - resumed) / 1_000_000;
      seen.add(at + "ms:" + status + (member ? "+member" : ""));
      if (status == 200) {
        assertTrue(member, "ready only once back in the others' cluster: " + seen);
        readyAt = at;
        break;
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    assertTrue(!seen.get(0).contains(":200"), "the first answer after SIGCONT is not ready: " + seen);
    assertTrue(readyAt >= 0 && readyAt <= 10_000, "ready again within 10 s of SIGCONT: " + seen);
    await(() -> readyInGateway(port), 10, "the gateway routes to it again");
  }

  @Test
  @Order(2)
  @DisplayName("A SIGTERM'd coto-service is gone from the other members' view and from the gateway's table within 1 s")
  void cleanLeave() throws Exception {
    int port = cotoPorts.get(0);
    String nodeId = nodeIdOf(port);
    assertTrue(members().contains(nodeId));
    long sent = System.nanoTime();
    cotoServices.get(0).process().destroy();
    long goneFromMembers = -1;
    long goneFromGateway = -1;
    while (System.nanoTime() - sent < TimeUnit.SECONDS.toNanos(15) && (goneFromMembers < 0 || goneFromGateway < 0)) {
      long at = (System.nanoTime() - sent) / 1_000_000;
      if (goneFromMembers < 0 && !members().contains(nodeId)) {
        goneFromMembers = at;
      }
      if (goneFromGateway < 0 && !inGateway(port)) {
        goneFromGateway = at;
      }
      TimeUnit.MILLISECONDS.sleep(20);
    }
    String took = "left the members' view after " + goneFromMembers + " ms, the gateway's table after "
        + goneFromGateway + " ms";
    assertTrue(goneFromMembers >= 0 && goneFromMembers <= 1000, "within 1 s of SIGTERM: " + took);
    assertTrue(goneFromGateway >= 0 && goneFromGateway <= 1000, "within 1 s of SIGTERM: " + took);
    assertTrue(cotoServices.get(0).process().waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, cotoServices.get(0).process().exitValue());
  }

  /** Vert.x node ids of the members this JVM sees. */
  private static List<String> members() {
    List<String> ids = new ArrayList<>();
    for (Member member : observer.clusterManager().getHazelcastInstance().getCluster().getMembers()) {
      ids.add(member.getAttribute("__vertx.nodeId"));
    }
    return ids;
  }

  private static List<JsonObject> instances() {
    try {
      HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + gatewayPort + "/api/instances")).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.ofString());
      return new JsonObject(answer.body()).getJsonArray("instances").stream().map(JsonObject.class::cast).toList();
    } catch (Exception e) {
      return List.of();
    }
  }

  private static boolean readyInGateway(int port) {
    InstanceInfo info = announced.get(port);
    return info != null && instances().stream()
        .anyMatch(i -> info.instanceId().equals(i.getString("instanceId")) && "READY".equals(i.getString("state")));
  }

  private static boolean inGateway(int port) {
    String id = announced.get(port).instanceId();
    return instances().stream().anyMatch(i -> id.equals(i.getString("instanceId")));
  }

  private static String nodeIdOf(int port) {
    return announced.get(port).nodeId();
  }

  /** Readiness of the coto-service process whose public port is {@code port}. */
  private static int readiness(int port) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ServiceProcess.managementPort(port) + "/health/ready"))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  private static void await(BooleanSupplier condition, int seconds, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + seconds + " s: " + what);
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
  }
}
