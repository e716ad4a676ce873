package io.cotoami.devstack;

import io.cotoami.common.config.ConfigException;
import io.cotoami.common.config.Env;
import io.cotoami.common.config.PgConfig;
import io.cotoami.common.log.LogContext;
import io.cotoami.infra.FreePorts;
import io.cotoami.infra.PostgresServer;
import io.cotoami.infra.RedisServer;
import io.cotoami.infra.SessionKeyPair;
import io.cotoami.infra.SmtpServer;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./cotoami up}: starts embedded PostgreSQL, Redis and a mail inbox, then every service as
 * its own JVM, all in one Hazelcast cluster on loopback; waits until each is ready; on Ctrl-C or
 * SIGTERM stops the services (they drain), then the servers, leaving nothing running.
 */
public final class DevStackMain {
  static final Duration READY_TIMEOUT = Duration.ofMinutes(3);
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(40);
  /** Both Redis servers are bounded and never evict; anonymous visitors fill only their own. */
  static final long MAIN_REDIS_MAXMEMORY = 256L * 1024 * 1024;
  static final long ANON_REDIS_MAXMEMORY = 64L * 1024 * 1024;

  private final DevStackConfig config;
  private final PrintStream out = System.out;
  private final List<ServiceProcess> processes = Collections.synchronizedList(new ArrayList<>());
  private final List<AutoCloseable> servers = Collections.synchronizedList(new ArrayList<>());
  private volatile boolean stopping;

  DevStackMain(DevStackConfig config) {
    this.config = config;
  }

  public static void main(String[] args) {
    LogContext.set("cotoami", "launcher");
    if (args.length == 0 || !args[0].equals("up")) {
      System.err.println("Usage: ./cotoami up [--scale <service>=<n>]...");
      System.exit(2);
    }
    DevStackConfig config;
    try {
      config = DevStackConfig.from(Env.system(), Arrays.asList(args).subList(1, args.length));
    } catch (ConfigException e) {
      System.err.println("cotoami: " + e.getMessage());
      System.exit(2);
      return;
    }
    DevStackMain stack = new DevStackMain(config);
    // Ctrl-C and SIGTERM stop everything in order on a thread of ours, then exit 0; the shutdown
    // hook covers any other way out. (Libraries' own hooks would otherwise race with ours.)
    for (String signal : new String[] {"INT", "TERM"}) {
      sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> {
        stack.stop();
        System.exit(0);
      });
    }
    Runtime.getRuntime().addShutdownHook(new Thread(stack::stop, "cotoami-stop"));
    try {
      stack.up();
    } catch (Exception e) {
      System.err.println("cotoami: " + e.getMessage());
      System.exit(1);
    }
    stack.watch();
  }

  void up() throws Exception {
    for (String service : DevStackConfig.SERVICES) {
      if (!Files.isRegularFile(config.jar(service))) {
        throw new IllegalStateException("missing " + config.jar(service) + ": build first (./cotoami up builds when stale)");
      }
    }
    Files.createDirectories(config.dataDir());
    say("Starting PostgreSQL on port " + config.postgresPort() + " (data in " + config.dataDir().resolve("postgres") + ")");
    PostgresServer postgres = PostgresServer.startPersistent(config.dataDir().resolve("postgres"), config.postgresPort());
    servers.add(postgres);
    PgConfig pg = postgres.ensureDatabase("cotoami", "cotoami", "cotoami");
    say("Starting Redis on port " + config.redisPort() + ", and Redis for anonymous cotos on port "
        + config.anonRedisPort());
    servers.add(RedisServer.startPersistent(config.dataDir().resolve("redis"), config.redisPort(), MAIN_REDIS_MAXMEMORY));
    servers.add(RedisServer.startPersistent(config.dataDir().resolve("anon-redis"), config.anonRedisPort(),
        ANON_REDIS_MAXMEMORY));
    say("Starting the mail inbox: SMTP on port " + config.smtpPort() + ", web on port " + config.mailUiPort());
    SmtpServer smtp = SmtpServer.start(config.smtpPort());
    servers.add(smtp);
    Vertx vertx = Vertx.vertx();
    servers.add(() -> vertx.close().await(10, TimeUnit.SECONDS));
    new MailInbox(smtp).listen(vertx, config.mailUiPort()).await(10, TimeUnit.SECONDS);

    // A dev signing key, made at first start and kept with the data (never committed).
    SessionKeyPair keys = SessionKeyPair.generateInto(config.dataDir().resolve("jwt"), "dev-1");
    Map<String, String> shared = sharedEnv(pg);
    shared.put("JWT_PUBLIC_KEY_FILE", keys.publicKeyFile().toString());
    shared.put("JWT_KEY_ID", "dev-1");
    List<String> javaOptions = config.javaOptions();
    // The gateway binds its configured port last; no service may be given it (or any other of ours) first.
    FreePorts.reserve(config.ports().values());
    for (String service : DevStackConfig.SERVICES) {
      int count = config.scale().get(service);
      for (int i = 1; i <= count; i++) {
        String name = count == 1 ? service : service + "-" + i;
        int port = service.equals("gateway") ? config.gatewayPort() : FreePorts.next();
        int managementPort = FreePorts.next();
        Map<String, String> env = serviceEnv(config, service, shared, port, managementPort);
        if (service.equals("auth-service")) {
          env.put("JWT_PRIVATE_KEY_FILE", keys.privateKeyFile().toString());
        }
        processes.add(ServiceProcess.start(name, config.jar(service), javaOptions, env, port, managementPort, out));
      }
    }
    say("Started " + processes.size() + " service processes; waiting until each is ready");
    awaitReady();
    say("");
    say("Cotoami is up at http://localhost:" + config.gatewayPort());
    config.lanWarning().ifPresent(this::say);
    say("Mail inbox at http://localhost:" + config.mailUiPort() + " (SMTP on localhost:" + config.smtpPort() + ")");
    say("Press Ctrl-C to stop everything.");
  }

  /**
   * One service process's variables: the shared ones, its ports, and where it binds. Only the
   * gateway's public port may face the LAN, and only when asked ({@code COTOAMI_BIND}); every
   * other port, the gateway's management port and the cluster included, is on loopback always.
   */
  static Map<String, String> serviceEnv(DevStackConfig config, String service, Map<String, String> shared, int port,
      int managementPort) {
    Map<String, String> env = new HashMap<>(shared);
    env.put("HTTP_PORT", String.valueOf(port));
    env.put("HTTP_HOST", service.equals("gateway") ? config.bind() : "127.0.0.1");
    env.put("MANAGEMENT_HOST", "127.0.0.1");
    env.put("MANAGEMENT_PORT", String.valueOf(managementPort));
    env.put("CLUSTER_HOST", "127.0.0.1");
    return env;
  }

  private Map<String, String> sharedEnv(PgConfig pg) {
    Map<String, String> env = new HashMap<>();
    env.put("CLUSTER_NAME", config.clusterName());
    env.put("CLUSTER_PORT", String.valueOf(config.clusterPort()));
    env.put("CLUSTER_MEMBERS", "127.0.0.1");
    env.put("PGHOST", "127.0.0.1");
    env.put("PGPORT", String.valueOf(pg.port()));
    env.put("PGDATABASE", pg.database());
    env.put("PGUSER", pg.user());
    env.put("PGPASSWORD", pg.password());
    env.put("REDIS_URL", "redis://127.0.0.1:" + config.redisPort());
    env.put("ANON_REDIS_URL", "redis://127.0.0.1:" + config.anonRedisPort());
    env.put("SMTP_HOST", "127.0.0.1");
    env.put("SMTP_PORT", String.valueOf(config.smtpPort()));
    env.put("SMTP_STARTTLS", "disabled");
    env.put("PUBLIC_URL", "http://localhost:" + config.gatewayPort());
    env.put("DEV_MODE", "true");
    env.put("DEBUG_ROUTES", "true");
    env.put("DEV_MAIL_URL", "http://127.0.0.1:" + config.mailUiPort());
    env.put("LOG_FORMAT", config.logFormat());
    env.put("SHUTDOWN_GRACE_PERIOD", "10s");
    return env;
  }

  private void awaitReady() throws InterruptedException {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    List<ServiceProcess> waiting = new ArrayList<>(processes);
    while (!waiting.isEmpty()) {
      for (ServiceProcess process : new ArrayList<>(waiting)) {
        if (!process.alive()) {
          throw new IllegalStateException(process.name() + " exited with status " + process.exitCode()
              + " before it was ready (its log is above)");
        }
        if (process.ready()) {
          say(process.name() + " is ready on port " + process.httpPort() + " (management on 127.0.0.1:"
              + process.managementPort() + ", pid " + process.pid() + ")");
          waiting.remove(process);
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("not ready after " + READY_TIMEOUT.toMinutes() + " minutes: "
            + waiting.stream().map(ServiceProcess::name).toList());
      }
      Thread.sleep(250);
    }
  }

  /** Stays up while the services do; one that dies is reported (the rest keep running). */
  private void watch() {
    List<ServiceProcess> reported = new ArrayList<>();
    while (!stopping) {
      for (ServiceProcess process : new ArrayList<>(processes)) {
        if (!process.alive() && !reported.contains(process) && !stopping) {
          say(process.name() + " exited with status " + process.exitCode());
          reported.add(process);
        }
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Stops the services in parallel (each drains), then the gateway's dependencies, then the servers. */
  synchronized void stop() {
    if (stopping) {
      return;
    }
    stopping = true;
    say("Stopping " + processes.size() + " service processes");
    List<ServiceProcess> all = new ArrayList<>(processes);
    all.forEach(ServiceProcess::terminate);
    for (ServiceProcess process : all) {
      try {
        int status = process.awaitExit(STOP_TIMEOUT);
        say(process.name() + " stopped (status " + status + ")");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    List<AutoCloseable> reversed = new ArrayList<>(servers);
    Collections.reverse(reversed);
    for (AutoCloseable server : reversed) {
      try {
        server.close();
      } catch (Exception e) {
        say("could not stop " + server + ": " + e.getMessage());
      }
    }
    say("Stopped; nothing left running.");
  }

  private void say(String line) {
    out.println("cotoami        | " + line);
    out.flush();
  }
}
