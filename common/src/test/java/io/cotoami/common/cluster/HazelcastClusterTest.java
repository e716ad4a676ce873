package io.cotoami.common.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.hazelcast.instance.BuildInfoProvider;
import io.cotoami.common.config.ClusterConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.junit5.VertxTestContext;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class HazelcastClusterTest {
  private ClusteredVertx.Started first;
  private ClusteredVertx.Started second;

  @AfterEach
  void closeNodes() throws Exception {
    for (ClusteredVertx.Started node : new ClusteredVertx.Started[] {first, second}) {
      if (node != null) {
        node.vertx().close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  @DisplayName("Hazelcast is the raised version, not the one vertx-hazelcast brings")
  void hazelcastIsTheRaisedVersion() {
    assertEquals("5.7.0", BuildInfoProvider.getBuildInfo().getVersion());
  }

  @Test
  @DisplayName("Two Vert.x nodes on loopback form one Hazelcast cluster and pass request, reply and published events")
  void twoNodesFormOneClusterAndPassEvents() throws Throwable {
    ClusterConfig cluster = ClusterConfig.loopback("test-" + UUID.randomUUID());
    VertxTestContext testContext = new VertxTestContext();
    Future.all(start(cluster), start(cluster))
        .compose(both -> {
          first = both.resultAt(0);
          second = both.resultAt(1);
          testContext.verify(() -> {
            assertEquals(2, first.clusterManager().getHazelcastInstance().getCluster().getMembers().size());
            assertEquals(2, second.clusterManager().getNodes().size());
          });
          return first.vertx().eventBus().consumer("test.ping", message -> message.reply("pong:" + message.body()))
              .completion();
        })
        .compose(v -> second.vertx().eventBus().request("test.ping", "hello"))
        .onComplete(testContext.succeeding(reply -> testContext.verify(() -> {
          assertEquals("pong:hello", reply.body());
          testContext.completeNow();
        })));
    if (!testContext.awaitCompletion(60, TimeUnit.SECONDS)) {
      throw new AssertionError("cluster did not form in time");
    }
    if (testContext.failed()) {
      throw testContext.causeOfFailure();
    }
  }

  private static Future<ClusteredVertx.Started> start(ClusterConfig cluster) {
    return ClusteredVertx.start(cluster, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }
}
