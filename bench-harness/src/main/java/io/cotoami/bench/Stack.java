package io.cotoami.bench;

import io.cotoami.common.config.PgConfig;
import io.cotoami.infra.FreePorts;
import io.cotoami.infra.PostgresServer;
import io.cotoami.infra.RedisServer;
import io.cotoami.infra.SessionKeyPair;
import io.cotoami.infra.SmtpServer;
import io.cotoami.infra.TestConfigs;
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

  /** The embedded servers run as child processes of this JVM: put them on the servers' core as well. */
  private void pinPostgresAndRedis() {
    if (!settings.pin()) {
      return;
    }
    try {
      for (ProcessHandle child : ProcessHandle.current().descendants().toList()) {
        new ProcessBuilder("taskset", "-a", "-p", "-c", "0", String.valueOf(child.pid()))
            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
      }
    } catch (Exception e) {
      Bench.say("could not pin PostgreSQL/Redis: " + e.getMessage());
    }
  }

  Map<String, String> env(String service, int port, int managementPort, Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(TestConfigs.env(cluster, keys.env()));
    env.putAll(TestConfigs.stores(pg, redis));
    env.put("HTTP_PORT", String.valueOf(port));
    env.put("MANAGEMENT_PORT", String.valueOf(managementPort));
    // The harness opens its sockets from a few loopback addresses, so many from each: the per-client
    // cap is raised to that; the global cap (from the open-file limit) stays as deployed.
    env.put("HTTP_MAX_CONNECTIONS_PER_CLIENT", String.valueOf(WsClients.PER_ADDRESS));
    env.put("LOG_LEVEL", "WARN");
    env.put("LOG_FORMAT", "text");
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
