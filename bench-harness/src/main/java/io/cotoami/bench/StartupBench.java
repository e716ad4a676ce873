package io.cotoami.bench;

import io.cotoami.common.config.ClusterConfig;
import io.cotoami.infra.FreePorts;
import io.cotoami.infra.TestConfigs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Item 6. Time from process start to {@code /health/ready} answering 200 (polled every 20 ms) for each
 * service, each alone in a cluster of its own on the stack's stores, and its RSS after a few idle
 * seconds; against a bare Vert.x HTTP server process (and, for the cluster's share, a bare clustered
 * Vert.x), same JVM options.
 */
final class StartupBench {
  static final String BARE = "bare Vert.x HTTP";
  static final String CLUSTERED = "bare clustered Vert.x";

  private final Bench.Settings settings;
  private final List<String> services;
  private final int rounds;
  private final int idleSeconds;

  StartupBench(Bench.Settings settings, List<String> services, int rounds, int idleSeconds) {
    this.settings = settings;
    this.services = services;
    this.rounds = rounds;
    this.idleSeconds = idleSeconds;
  }

  void run(Stack stack, Report report) throws Exception {
    List<String> targets = new ArrayList<>(settings.smoke() ? List.of(BARE) : List.of(BARE, CLUSTERED));
    targets.addAll(services);
    Map<String, List<Double>> startMs = new LinkedHashMap<>();
    Map<String, List<Double>> rssMiB = new LinkedHashMap<>();
    for (int round = 1; round <= rounds; round++) {
      for (String target : targets) {
        String cluster = TestConfigs.newClusterName();
        int port = FreePorts.next();
        Proc proc;
        Proc helper = null;
        if (target.equals(BARE)) {
          proc = Proc.start("hello", settings, settings.javaOptions(), settings.harness("hello", String.valueOf(port)),
              Map.of(), port);
        } else if (target.equals(CLUSTERED)) {
          proc = Proc.start("echo-startup", settings, settings.javaOptions(),
              settings.harness("echo-node", cluster, String.valueOf(port)), Map.of(), port);
        } else {
          int management = FreePorts.next();
          // gateway and coto-service are ready once an auth-service of their cluster told them the
          // revoked sessions: one runs there first, and is not counted.
          if (target.equals("gateway") || target.equals("coto-service")) {
            int authPort = FreePorts.next();
            int authManagement = FreePorts.next();
            helper = Proc.start("auth-for-" + target, settings, settings.javaOptions(),
                List.of("-jar", settings.jar("auth-service").toString()), stack.env("auth-service", authPort, authManagement,
                    Map.of("CLUSTER_NAME", cluster, "CLUSTER_PORT", String.valueOf(ClusterConfig.loopback(cluster).port()))),
                authPort, authManagement);
            helper.awaitReady("/health/ready", Duration.ofMinutes(3));
          }
          proc = Proc.start(target + "-startup", settings, settings.javaOptions(),
              List.of("-jar", settings.jar(target).toString()), stack.env(target, port, management,
                  Map.of("CLUSTER_NAME", cluster, "CLUSTER_PORT", String.valueOf(ClusterConfig.loopback(cluster).port()))),
              port, management);
        }
        try (proc) {
          Duration ready = proc.awaitReady("/health/ready", Duration.ofMinutes(3));
          Thread.sleep(idleSeconds * 1000L);
          double rss = proc.rssBytes() / 1048576.0;
          Bench.say(String.format(Locale.ROOT, "start-up: round %d: %s ready in %d ms, RSS %.0f MiB after %d s idle",
              round, target, ready.toMillis(), rss, idleSeconds));
          startMs.computeIfAbsent(target, k -> new ArrayList<>()).add((double) ready.toMillis());
          rssMiB.computeIfAbsent(target, k -> new ArrayList<>()).add(rss);
        } finally {
          if (helper != null) {
            helper.close();
          }
        }
      }
    }
    StringBuilder table = new StringBuilder("""
        | process | start → ready ms | RSS at idle MiB | start vs bare Vert.x | RSS vs bare Vert.x |
        |---|---|---|---|---|
        """);
    double bareStart = PostBench.median(startMs.get(BARE));
    double bareRss = PostBench.median(rssMiB.get(BARE));
    for (String target : targets) {
      double start = PostBench.median(startMs.get(target));
      double rss = PostBench.median(rssMiB.get(target));
      table.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.2f | %.2f |%n", target, start, rss,
          start / bareStart, rss / bareRss));
      if (!target.equals(BARE)) {
        report.row("6. start-up", target + ": start → ready", start, BARE, bareStart, "ms");
        report.row("6. start-up", target + ": RSS at idle", rss, BARE, bareRss, "MiB");
      }
    }
    report.section(String.format(Locale.ROOT, """
        ## 6. Start-up

        Each process alone (a cluster of its own; coto-service and auth-service migrate or check their schema in
        the stack's PostgreSQL, mail-service reaches the stack's SMTP server; gateway and coto-service find an
        auth-service already running in their cluster, not counted, since they are ready only once it has told
        them the revoked sessions), time from `ProcessBuilder.start()`
        to the first 200 from `/health/ready` (polled every 20 ms), then RSS (`VmRSS`) after %d s idle; median
        of %d round(s), the targets interleaved. The references: `%s` (a JVM, Vert.x and one bound port) and
        `%s` (the same plus joining a Hazelcast cluster with the services' `ClusteredVertx`: the cluster's share).

        %s""", idleSeconds, rounds, BARE, CLUSTERED, table));
  }
}
