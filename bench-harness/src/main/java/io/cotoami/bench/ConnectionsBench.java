package io.cotoami.bench;

import io.cotoami.infra.FreePorts;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Item 3. How many idle authenticated WebSockets one gateway process holds, up to the open-file
 * limit, and the heap (after a full GC) and RSS each one costs; the same for the bare Vert.x
 * WebSocket server as the reference.
 */
final class ConnectionsBench {
  record Result(int held, String stoppedBy, long heapBefore, long heapAfter, long rssBefore, long rssAfter, long millis) {
    double heapPerConnection() {
      return held == 0 ? Double.NaN : (heapAfter - heapBefore) / (double) held;
    }

    double rssPerConnection() {
      return held == 0 ? Double.NaN : (rssAfter - rssBefore) / (double) held;
    }
  }

  private final Bench.Settings settings;
  private final int target;

  ConnectionsBench(Bench.Settings settings, int wanted) {
    this.settings = settings;
    this.target = Math.min(wanted, openFileLimit() - 400);
  }

  /** This process's soft limit of open files (the servers it starts inherit it). */
  static int openFileLimit() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
        if (line.startsWith("Max open files")) {
          return Integer.parseInt(line.substring("Max open files".length()).trim().split("\\s+")[0]);
        }
      }
    } catch (Exception e) {
      // not Linux
    }
    return 1024;
  }

  void run(Stack stack, Vertx vertx, Report report) throws Exception {
    String user = UUID.randomUUID().toString();
    String token = stack.keys.token(vertx, user, "idle@example.com", "idle");
    // The gateway is ready, and serves sessions, once auth-service has told it the revoked ones.
    Proc auth = stack.startReady("auth-service", Map.of());
    Proc gateway = stack.startReady("gateway", Map.of());
    Result system;
    try {
      Bench.say("connections: opening up to " + target + " idle authenticated WebSockets to a fresh gateway");
      system = measure(gateway, vertx, "/api/ws", token);
    } finally {
      stack.stop(gateway);
      stack.stop(auth);
    }
    int port = FreePorts.next();
    Result reference;
    try (Proc server = Proc.start("broadcast-reference-idle", settings, settings.javaOptions(),
        settings.harness("broadcast-reference", String.valueOf(port)), Map.of(), port)) {
      server.awaitReady("/health/ready", Duration.ofMinutes(1));
      Bench.say("connections: the same against the bare Vert.x WebSocket server");
      reference = measure(server, vertx, "/ws", null);
    }
    if (system.held() == 0 || reference.held() == 0) {
      report.problem("connections: none held (gateway " + system.held() + ", reference " + reference.held() + ")");
    }
    String item = "3. connections";
    report.row(item, "idle WebSockets held (target " + target + ")", system.held(), "bare Vert.x WebSocket server",
        reference.held(), "");
    report.row(item, "heap per connection", system.heapPerConnection() / 1024, "bare Vert.x WebSocket server",
        reference.heapPerConnection() / 1024, "KiB");
    report.row(item, "RSS per connection", system.rssPerConnection() / 1024, "bare Vert.x WebSocket server",
        reference.rssPerConnection() / 1024, "KiB");
    StringBuilder table = new StringBuilder("""
        | target | held | stopped by | open s | heap before → after (MiB) | heap/conn KiB | RSS before → after (MiB) | RSS/conn KiB |
        |---|---|---|---|---|---|---|---|
        """);
    for (Result r : new Result[] {system, reference}) {
      table.append(String.format(Locale.ROOT, "| %s | %d | %s | %.1f | %.0f → %.0f | %.2f | %.0f → %.0f | %.2f |%n",
          r == system ? "gateway (bearer token checked at the handshake)" : "bare Vert.x WebSocket server", r.held(),
          r.stoppedBy(), r.millis() / 1000.0, r.heapBefore() / 1048576.0, r.heapAfter() / 1048576.0,
          r.heapPerConnection() / 1024, r.rssBefore() / 1048576.0, r.rssAfter() / 1048576.0,
          r.rssPerConnection() / 1024));
    }
    report.section(String.format(Locale.ROOT, """
        ## 3. Connections

        Idle authenticated WebSockets to one fresh gateway process (`Authorization: Bearer`, ES256 verified at the
        handshake; no subscription), opened by the harness from 127.0.0.2, 127.0.0.3, ... (%d per source
        address), 512 handshakes at a time, until %d (the open-file limit %d of the harness and the servers,
        minus 400 for their own files) or the first failure. Heap is what `jcmd <pid> GC.heap_info` shows in
        use after `jcmd <pid> GC.run`, before and after; RSS is `VmRSS` of `/proc/<pid>/status`. The reference
        is the bare Vert.x WebSocket server of item 2, same JVM options.

        %s""", WsClients.PER_ADDRESS, target, openFileLimit(), table));
  }

  private Result measure(Proc server, Vertx vertx, String uri, String token) throws Exception {
    long heapBefore = server.heapAfterGc();
    long rssBefore = server.rssBytes();
    try (WsClients clients = new WsClients(vertx, target)) {
      WsClients.Opened opened = clients.open(target, 512, server.httpPort, uri, token, (ws, index) -> { });
      Thread.sleep(2000);
      long heapAfter = server.heapAfterGc();
      long rssAfter = server.rssBytes();
      int held = (int) clients.sockets.stream().filter(ws -> !ws.isClosed()).count();
      String stoppedBy = opened.firstFailure() == null ? "the target" : opened.firstFailure().replace('|', '/');
      Bench.say(String.format(Locale.ROOT, "connections: %d held (%s); heap %.0f → %.0f MiB, RSS %.0f → %.0f MiB",
          held, stoppedBy, heapBefore / 1048576.0, heapAfter / 1048576.0, rssBefore / 1048576.0, rssAfter / 1048576.0));
      return new Result(held, stoppedBy, heapBefore, heapAfter, rssBefore, rssAfter, opened.millis());
    }
  }
}
