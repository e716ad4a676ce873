package io.cotoami.common.cluster;

import io.cotoami.common.config.ClusterConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Run by {@link HostNameMembersTest} in a JVM of its own, whose host names come from a hosts file
 * ({@code -Djdk.net.hosts.file}): starts member-a on 127.0.0.2, then member-b on 127.0.0.3, both
 * listing the members by name as docker-compose.yml does, and exits 0 once both see a cluster
 * of two, 1 if they do not within the deadline.
 */
public final class HostNameMembersProbe {
  private HostNameMembersProbe() {
  }

  public static void main(String[] args) throws Exception {
    String name = args[0];
    int port = Integer.parseInt(args[1]);
    List<String> members = List.of("member-a", "member-b");
    ClusteredVertx.Started a = start(new ClusterConfig(name, ClusterConfig.Discovery.TCP, "127.0.0.2", "127.0.0.2",
        port, 1, members, null, 0));
    ClusteredVertx.Started b = start(new ClusterConfig(name, ClusterConfig.Discovery.TCP, "127.0.0.3", "127.0.0.3",
        port, 1, members, null, 0));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args[2]));
    int seenByA;
    int seenByB;
    do {
      seenByA = a.clusterManager().getNodes().size();
      seenByB = b.clusterManager().getNodes().size();
      if (seenByA == 2 && seenByB == 2) {
        break;
      }
      Thread.sleep(200);
    } while (System.nanoTime() < deadline);
    System.out.println("members seen: member-a " + seenByA + ", member-b " + seenByB);
    System.exit(seenByA == 2 && seenByB == 2 ? 0 : 1);
  }

  private static ClusteredVertx.Started start(ClusterConfig cluster) throws Exception {
    return ClusteredVertx.start(cluster, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
        .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
