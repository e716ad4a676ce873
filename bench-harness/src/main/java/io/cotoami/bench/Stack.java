package io.cotoami.bench;

import io.cotoami.common.config.PgConfig;
import io.cotoami.infra.FreePorts;
import io.cotoami.infra.PostgresServer;
import io.cotoami.infra.RedisServer;
import io.cotoami.infra.SessionKeyPair;
import io.cotoami.infra.SmtpServer;
import io.cotoami.infra.TestConfigs;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The system as real processes: embedded PostgreSQL 17 and Redis (and SMTP when mail-service runs),
 * then the service jars, each its own JVM, in one Hazelcast cluster of their own on loopback.
 * Sessions are minted with the stack's key pair (as auth-service signs them).
 */
final class Stack implements AutoCloseable {
  static final Duration READY = Duration.ofMinutes(3);
  private static final String LOG_LEVEL = System.getenv("BENCH_LOG_LEVEL");
  private static final String LOG_FORMAT = System.getenv("BENCH_LOG_FORMAT");

  /** The root level the services log at in this run: BENCH_LOG_LEVEL, or their default. */
  static String logLevel() {
    return LOG_LEVEL == null ? "INFO" : LOG_LEVEL.toUpperCase(java.util.Locale.ROOT);
  }

  /** The level and format the services log at in this run, as said in the report. */
  static String logging() {
    return "services log at " + (LOG_LEVEL == null ? "INFO (their default)" : LOG_LEVEL + " (BENCH_LOG_LEVEL)")
        + ", format " + (LOG_FORMAT == null ? "json (their default)" : LOG_FORMAT + " (BENCH_LOG_FORMAT)");
  }

  final Bench.Settings settings;
  final PostgresServer postgres;
  final RedisServer redis;
  final SmtpServer smtp;
  final PgConfig pg;
  final SessionKeyPair keys = SessionKeyPair.generate();
  final String cluster = TestConfigs.newClusterName();
  private final List<Proc> processes = new ArrayList<>();

  Stack(Bench.Settings settings, boolean withSmtp) {
    this.settings = settings;
    Bench.say("starting embedded PostgreSQL 17 and Redis" + (withSmtp ? " and SMTP" : ""));
    this.postgres = PostgresServer.startTemporary();
    this.redis = RedisServer.startTemporary();
    this.smtp = withSmtp ? SmtpServer.start(0) : null;
    this.pg = postgres.ensureDatabase("cotoami", "cotoami", "cotoami");
    pinPostgresAndRedis();
  }

  /**
   * Puts PostgreSQL (found through its postmaster.pid: it daemonises, so it is no child of ours) and Redis
   * (a child) on the servers' core, every thread of them; backends forked later inherit the mask.
   */
  private void pinPostgresAndRedis() {
    if (!settings.pin()) {
      return;
    }
    try {
      Pinning.pin(Pinning.postmaster(postgres.dataDir()), Pinning.SERVERS);
      for (ProcessHandle child : ProcessHandle.current().children().toList()) {
        Pinning.pin(child.pid(), Pinning.SERVERS);
      }
    } catch (Exception e) {
      throw new IllegalStateException("PINNING FAILED: could not pin PostgreSQL/Redis: " + e.getMessage(), e);
    }
  }

  /**
   * Reads every server's and the harness's mask from /proc and prints them; when pinned, fails unless the
   * servers (PostgreSQL's whole tree, Redis, the service and reference JVMs) are on core 0 and the harness
   * (so wrk and pgbench, which it starts) on core 1.
   */
  String checkPinning() throws IOException {
    List<Pinning.Seen> servers = new ArrayList<>(Pinning.tree("postgres", Pinning.postmaster(postgres.dataDir())));
    for (ProcessHandle child : ProcessHandle.current().children().toList()) {
      String name = processes.stream().filter(p -> p.pid() == child.pid()).map(p -> p.name).findFirst()
          .orElse(child.info().command().map(c -> Path.of(c).getFileName().toString()).orElse("child"));
      servers.addAll(Pinning.tree(name, child.pid()));
    }
    List<Pinning.Seen> loaders = Pinning.tree("harness", ProcessHandle.current().pid()).subList(0, 1);
    return Pinning.check(settings.pin(), servers, loaders);
  }

  Map<String, String> env(String service, int port, int managementPort, Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(TestConfigs.env(cluster, keys.env()));
    env.putAll(TestConfigs.stores(pg, redis));
    env.put("HTTP_PORT", String.valueOf(port));
    env.put("MANAGEMENT_PORT", String.valueOf(managementPort));
    // The harness opens its sockets from a few loopback addresses, so many from each: the per-client
    // cap is raised to that; the global cap (from the open-file limit) stays as deployed.
    env.put("HTTP_MAX_CONNECTIONS_PER_CLIENT", String.valueOf(WsClients.PER_ADDRESS));
    // What users run: the services' own defaults (INFO, JSON lines) unless BENCH_LOG_LEVEL/BENCH_LOG_FORMAT.
    if (LOG_LEVEL != null) {
      env.put("LOG_LEVEL", LOG_LEVEL);
    }
    if (LOG_FORMAT != null) {
      env.put("LOG_FORMAT", LOG_FORMAT);
    }
    if (smtp != null) {
      env.put("SMTP_HOST", "127.0.0.1");
      env.put("SMTP_PORT", String.valueOf(smtp.port()));
      env.put("SMTP_STARTTLS", "disabled");
    }
    env.putAll(extra);
    return env;
  }

  /** Starts a service from its jar; returns at once (see {@link Proc#awaitReady}). */
  Proc start(String service, Map<String, String> extra) throws Exception {
    int port = FreePorts.next();
    int management = FreePorts.next();
    Proc proc = Proc.start(service, settings, settings.javaOptions(), List.of("-jar", settings.jar(service).toString()),
        env(service, port, management, extra), port, management);
    processes.add(proc);
    return proc;
  }

  Proc startReady(String service, Map<String, String> extra) throws Exception {
    Proc proc = start(service, extra);
    Duration took = proc.awaitReady("/health/ready", READY);
    Bench.say(service + " ready on port " + proc.httpPort + " in " + took.toMillis() + " ms");
    return proc;
  }

  void stop(Proc proc) {
    proc.close();
    processes.remove(proc);
  }

  private boolean closed;

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Proc proc : List.copyOf(processes)) {
      proc.close();
    }
    processes.clear();
    for (AutoCloseable server : new AutoCloseable[] {smtp, redis, postgres}) {
      try {
        if (server != null) {
          server.close();
        }
      } catch (Exception e) {
        Bench.say("could not stop " + server + ": " + e.getMessage());
      }
    }
  }
}
