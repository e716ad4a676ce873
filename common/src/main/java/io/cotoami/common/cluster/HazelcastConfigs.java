package io.cotoami.common.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.DiscoveryStrategyConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.cotoami.common.config.ClusterConfig;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;

/** Builds the Hazelcast configuration from {@link ClusterConfig}: the member list (ListeningMembersDiscovery) locally, DNS discovery on Kubernetes. */
public final class HazelcastConfigs {
  /** A member silent this long is removed (heartbeats go every second). */
  public static final java.time.Duration MAX_NO_HEARTBEAT = java.time.Duration.ofSeconds(8);
  public static final java.time.Duration MERGE_FIRST_RUN = java.time.Duration.ofSeconds(5);
  public static final java.time.Duration MERGE_NEXT_RUN = java.time.Duration.ofSeconds(2);
  /**
   * How long a graceful leave may still move partitions. Past it Hazelcast shuts down anyway and
   * what only this member held is lost (seen on a starved machine at 2 s: the partitions of a
   * member whose hand-over had stalled), so it is generous, within the 10 s of LEAVE_TIMEOUT.
   */
  public static final java.time.Duration GRACEFUL_SHUTDOWN_MAX_WAIT = java.time.Duration.ofSeconds(5);
  /**
   * Partitions of the cluster's data (Hazelcast's default is 271). The event bus keeps a few
   * entries per member and address, which few partitions hold well; and a draining member hands
   * its partitions over in about half the time, which is what a leave within 1 s of SIGTERM waits
   * on (docs/architecture.md has the figures). Every member of a cluster must agree: changing it
   * needs a full restart, not a rolling one (docs/operations.md).
   */
  public static final int PARTITIONS = 71;
  /** How long a draining member may take to hand its partitions over (become a lite member). */
  public static final java.time.Duration DEMOTE_MAX_WAIT = java.time.Duration.ofSeconds(3);
  /** A member whose connection closed is dropped after this many refused reconnects, this far apart. */
  public static final int CONNECTION_MAX_FAULTS = 2;
  public static final java.time.Duration CONNECTION_MONITOR_INTERVAL = java.time.Duration.ofMillis(50);

  private HazelcastConfigs() {
  }

  public static Config of(ClusterConfig cluster) {
    // Starts from vertx-hazelcast's defaults: they declare the maps and multimaps the event bus needs.
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(cluster.name());
    // We leave the cluster ourselves after draining; Hazelcast's own hook would leave too early.
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.partition.count", String.valueOf(PARTITIONS));
    config.setProperty("hazelcast.logging.type", "slf4j");
    // Nothing reads Hazelcast's own metrics (the services export theirs on /metrics); collecting
    // them costs two threads and their buffers in every process.
    config.getMetricsConfig().setEnabled(false);
    // A join is answered at once instead of after the default five seconds (which batch the joins
    // of a big cluster starting together): a new pod is ready about a second sooner, measured by
    // ./cotoami bench startup (docs/benchmarks.md), and simultaneous starts still form one cluster
    // (the members of docker-compose.yml and the process tests start together).
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.max.wait.seconds.before.join", "3");
    // A member that vanishes without saying goodbye (kill -9) is suspected within seconds.
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    config.setProperty("hazelcast.max.no.heartbeat.seconds", String.valueOf(MAX_NO_HEARTBEAT.toSeconds()));
    // Split clusters look for each other every few seconds (Hazelcast waits 300 s, then 120 s), so
    // a member cut off by a pause or a network blip is merged back within seconds of healing.
    config.setProperty("hazelcast.merge.first.run.delay.seconds", String.valueOf(MERGE_FIRST_RUN.toSeconds()));
    config.setProperty("hazelcast.merge.next.run.delay.seconds", String.valueOf(MERGE_NEXT_RUN.toSeconds()));
    // A graceful leave hands over partitions, then says goodbye; bounded well under our own
    // LEAVE_TIMEOUT, so the goodbye is sent before the process exits.
    config.setProperty("hazelcast.graceful.shutdown.max.wait", String.valueOf(GRACEFUL_SHUTDOWN_MAX_WAIT.toSeconds()));
    config.setProperty("hazelcast.member.demote.max.wait", String.valueOf(DEMOTE_MAX_WAIT.toSeconds()));
    // A member that left closes its connections; the others reconnect every interval and drop it
    // after the faults (defaults: 3, 100 ms apart). Only a refused or failed connect counts, and a
    // live member, even a frozen one, still accepts connections (the kernel does), so this does
    // not drop members that are merely slow; silence is the heartbeat's business.
    config.setProperty("hazelcast.connection.monitor.max.faults", String.valueOf(CONNECTION_MAX_FAULTS));
    config.setProperty("hazelcast.connection.monitor.interval", String.valueOf(CONNECTION_MONITOR_INTERVAL.toMillis()));

    NetworkConfig network = config.getNetworkConfig();
    network.setPort(cluster.port()).setPortAutoIncrement(true).setPortCount(cluster.portCount());
    network.setPublicAddress(cluster.publicHost());
    // Bind CLUSTER_HOST only. Not with the interfaces list: where it is enabled, Hazelcast's TCP
    // joiner keeps only those member *host names* that resolve to one of the listed interfaces,
    // that is to this member itself, so members listed by name (docker-compose.yml) never met
    // and each formed a cluster of one. The local-address property binds the same address and
    // leaves the member list alone.
    config.setProperty("hazelcast.local.localAddress", cluster.host());
    config.setProperty("hazelcast.socket.bind.any", "false");
    network.getInterfaces().setEnabled(false);

    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    if (cluster.discovery() == ClusterConfig.Discovery.KUBERNETES) {
      join.getKubernetesConfig().setEnabled(true)
          .setProperty("service-dns", cluster.kubernetesServiceDns())
          .setProperty("service-port", String.valueOf(cluster.port()));
    } else {
      // CLUSTER_MEMBERS through our discovery, not the plain tcp-ip join: it offers only the
      // addresses that accept a connection, so the split-brain search no longer waits 5 s on each
      // silent port (ListeningMembersDiscovery says why that kept split members apart).
      // Disabled, but the joiner still takes its connection timeout: how long one attempt to
      // join the discovered members lasts before mastership is claimed (5 s by default).
      join.getTcpIpConfig().setEnabled(false).setConnectionTimeoutSeconds(2);
      config.setProperty("hazelcast.discovery.enabled", "true");
      join.getDiscoveryConfig().addDiscoveryStrategyConfig(
          new DiscoveryStrategyConfig(new ListeningMembersDiscovery.Factory(cluster)));
    }
    return config;
  }
}
