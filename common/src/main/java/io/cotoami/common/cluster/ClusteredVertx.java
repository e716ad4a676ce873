package io.cotoami.common.cluster;

import io.cotoami.common.config.ClusterConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.dns.AddressResolverOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.time.Duration;

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

  /**
   * The longest a resolved address of a store or SMTP host is kept, whatever TTL the DNS server
   * gives: a container that restarts comes back at another address (docker-compose.yml has no
   * fixed ones) while Podman's DNS answers with a TTL of a day, so a client that believed it
   * kept dialling the old address (mail-service's outbox did, for as long as it ran).
   */
  public static final Duration DNS_CACHE_MAX_TTL = Duration.ofSeconds(5);

  /** The options every service's Vert.x starts with (the cluster manager and metrics factory aside). */
  public static VertxOptions options(ClusterConfig cluster) {
    return new VertxOptions()
        .setEventBusOptions(new EventBusOptions()
            .setHost(cluster.host())
            .setPort(cluster.eventBusPort())
            .setClusterPublicHost(cluster.publicHost()))
        .setAddressResolverOptions(new AddressResolverOptions()
            .setCacheMaxTimeToLive((int) DNS_CACHE_MAX_TTL.toSeconds()))
        .setMetricsOptions(new MicrometerMetricsOptions()
            .setEnabled(true)
            .setJvmMetricsEnabled(true));
  }

  public record Started(Vertx vertx, HazelcastClusterManager clusterManager) {
  }

  public static Future<Started> start(ClusterConfig cluster, MeterRegistry registry) {
    HazelcastClusterManager clusterManager = new HazelcastClusterManager(HazelcastConfigs.of(cluster));
    VertxOptions options = options(cluster);
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
