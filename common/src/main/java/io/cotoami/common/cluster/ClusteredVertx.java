package io.cotoami.common.cluster;

import io.cotoami.common.config.ClusterConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/** Starts a Vert.x instance that joins the Hazelcast cluster, with Micrometer metrics on the given registry. */
public final class ClusteredVertx {
  static {
    // Before Hazelcast's first log line: route its logging through SLF4J like everything else.
    if (System.getProperty("hazelcast.logging.type") == null) {
      System.setProperty("hazelcast.logging.type", "slf4j");
    }
  }

  private ClusteredVertx() {
  }

  public record Started(Vertx vertx, HazelcastClusterManager clusterManager) {
  }

  public static Future<Started> start(ClusterConfig cluster, MeterRegistry registry) {
    HazelcastClusterManager clusterManager = new HazelcastClusterManager(HazelcastConfigs.of(cluster));
    VertxOptions options = new VertxOptions()
        .setEventBusOptions(new EventBusOptions()
            .setHost(cluster.host())
            .setPort(cluster.eventBusPort())
            .setClusterPublicHost(cluster.publicHost()))
        .setMetricsOptions(new MicrometerMetricsOptions()
            .setEnabled(true)
            .setJvmMetricsEnabled(true));
    return Vertx.builder()
        .with(options)
        .withClusterManager(clusterManager)
        // NIO, with connection caps where connections are accepted (the public ports' caps).
        .withTransport(io.cotoami.common.runtime.AcceptGate.transport())
        .withMetrics(new MicrometerMetricsFactory(registry))
        .buildClustered()
        .map(vertx -> new Started(vertx, clusterManager))
        .recover(e -> Future.failedFuture(
            new IllegalStateException("cannot join the " + cluster.describe() + ": " + e.getMessage(), e)));
  }
}
