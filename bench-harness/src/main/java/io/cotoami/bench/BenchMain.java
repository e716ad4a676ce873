package io.cotoami.bench;

import io.cotoami.devstack.JvmOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark harness. {@code run [items] [--smoke] [--out dir]} measures items 1, 2, 3, 5 and 6
 * (item 4 is bench/proxy.sh) and writes {@code summary.md} and {@code sections.md} into the output
 * directory; the other subcommands are the reference servers it starts as processes.
 */
public final class BenchMain {
  static final List<String> ITEMS = List.of("post", "fanout", "search", "connections", "eventbus", "startup");

  /** The stack of the run in progress, stopped by the shutdown hook when the run is interrupted. */
  private static volatile Stack current;

  private BenchMain() {
  }

  public static void main(String[] args) throws Exception {
    String command = args.length == 0 ? "help" : args[0];
    switch (command) {
      case "run" -> {
        run(Arrays.asList(args).subList(1, args.length));
        System.exit(0);
      }
      case "stack" -> stack();
      case "broadcast-reference" -> ReferenceServers.broadcast(Integer.parseInt(args[1]));
      case "hello" -> ReferenceServers.hello(Integer.parseInt(args[1]));
      case "echo-node" -> ReferenceServers.echoNode(args[1], Integer.parseInt(args[2]));
      default -> {
        System.err.println("Usage: java -jar bench-harness.jar run [post,fanout,search,connections,eventbus,startup] "
            + "[--smoke] [--out <dir>]");
        System.exit(2);
      }
    }
  }

  private static void run(List<String> args) throws Exception {
    List<String> items = ITEMS;
    boolean smoke = false;
    Path out = Path.of("target", "bench");
    for (int i = 0; i < args.size(); i++) {
      switch (args.get(i)) {
        case "--smoke" -> smoke = true;
        case "--out" -> out = Path.of(args.get(++i));
        default -> items = List.of(args.get(i).split(","));
      }
    }
    Files.createDirectories(out);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      Stack stack = current;
      if (stack != null) {
        stack.close();
      }
    }, "bench-stop"));
    Bench.Settings settings = settings(out.resolve("work"), smoke, !"0".equals(System.getenv().getOrDefault("PIN", "1")));
    Report report = run(settings, items);
    Files.writeString(out.resolve("summary.md"), report.summaryTable());
    Files.writeString(out.resolve("sections.md"), report.sections.toString());
    Files.writeString(out.resolve("problems.md"), report.problemsList());
    Files.writeString(out.resolve("goals.md"), Goals.table(report.rows));
    System.out.println(report.summaryTable());
    System.out.println(Goals.table(report.rows));
  }

  static Bench.Settings settings(Path work, boolean smoke, boolean pin) throws Exception {
    Files.createDirectories(work);
    Path home = Path.of(System.getProperty("cotoami.home", System.getenv().getOrDefault("COTOAMI_HOME", ".")))
        .toAbsolutePath().normalize();
    // What users run (the images' and the dev stack's flags), plus BENCH_JAVA_OPTS.
    List<String> javaOptions = JvmOptions.of(home, System.getenv().getOrDefault("BENCH_JAVA_OPTS", ""));
    return new Bench.Settings(home, work, pin, javaOptions, smoke);
  }

  /** Runs the items (in the suite's order) and returns what they found. */
  static Report run(Bench.Settings settings, List<String> items) throws Exception {
    for (String item : items) {
      if (!ITEMS.contains(item)) {
        throw new IllegalArgumentException("unknown item '" + item + "'; the items are " + ITEMS);
      }
    }
    boolean smoke = settings.smoke();
    Report report = new Report();
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    try {
      boolean needsStack = items.stream().anyMatch(i -> !i.equals("eventbus"));
      try (Stack stack = needsStack ? new Stack(settings, true) : null) {
        current = stack;
        Proc gateway = null;
        if (items.contains("post") || items.contains("fanout") || items.contains("search")) {
          // Sessions are only served once auth-service has told the others which ones are revoked.
          Proc auth = stack.startReady("auth-service", Map.of());
          Proc coto = stack.startReady("coto-service", Map.of());
          gateway = stack.startReady("gateway", Map.of());
          awaitRoute(gateway);
          Bench.say(Stack.logging());
          report.section("## Run settings\n\n- Logging: " + Stack.logging() + ".\n- Pinning as the kernel saw it, "
              + "with every service up (`Cpus_allowed_list` of `/proc/<pid>/status`):\n\n" + stack.checkPinning());
          if (items.contains("post")) {
            Bench.say("item 1: post path");
            new PostBench(settings, smoke ? 4 : 16, smoke ? 1 : 6, smoke ? new PostBench.Warmup(1, 2, 10)
                : new PostBench.Warmup(6, 30, 180), smoke ? 1 : 2).run(stack, gateway, coto, vertx, report);
            // The backends PostgreSQL forked for the load must have inherited the postmaster's mask.
            report.section("Pinning after item 1 (PostgreSQL's backends for the load included):\n\n"
                + stack.checkPinning());
          }
          if (items.contains("fanout")) {
            Bench.say("item 2: fan-out");
            new FanoutBench(settings, smoke ? 5 : 20, smoke ? 5 : 20)
                .run(stack, gateway, vertx, smoke ? new int[] {20, 30} : new int[] {1000, 10000}, smoke ? 20 : 1000,
                    smoke ? 60 : 45, report);
          }
          if (items.contains("search")) {
            Bench.say("item 7: search");
            new SearchBench(settings, smoke ? 2_000 : 100_000, 1, smoke ? 1 : 6, smoke ? 1 : 3)
                .run(stack, gateway, vertx, report);
          }
          stack.stop(gateway);
          stack.stop(coto);
          stack.stop(auth);
        }
        if (items.contains("connections")) {
          Bench.say("item 3: connections");
          new ConnectionsBench(settings, smoke ? 50 : Integer.MAX_VALUE).run(stack, vertx, report);
        }
        if (items.contains("eventbus")) {
          Bench.say("item 5: event bus");
          new EventBusBench(settings, smoke ? 200 : 5000, smoke ? 1 : 5, 32).run(report);
        }
        if (items.contains("startup")) {
          Bench.say("item 6: start-up");
          new StartupBench(settings, smoke ? List.of("gateway")
              : List.of("gateway", "coto-service", "auth-service", "mail-service"), smoke ? 1 : 2, smoke ? 1 : 3)
              .run(stack, report);
        }
      }
    } finally {
      vertx.close().await(60, TimeUnit.SECONDS);
    }
    return report;
  }

  /** Keeps a stack (coto-service and gateway) up for looking at by hand; prints a token; Ctrl-C stops it. */
  private static void stack() throws Exception {
    Bench.Settings settings = settings(Files.createTempDirectory("cotoami-bench-stack-"), false,
        !"0".equals(System.getenv().getOrDefault("PIN", "1")));
    Stack stack = new Stack(settings, false);
    Runtime.getRuntime().addShutdownHook(new Thread(stack::close));
    stack.startReady("auth-service", Map.of());
    stack.startReady("coto-service", Map.of());
    Proc gateway = stack.startReady("gateway", Map.of());
    awaitRoute(gateway);
    Vertx vertx = Vertx.vertx();
    String user = java.util.UUID.randomUUID().toString();
    System.out.println("gateway http://127.0.0.1:" + gateway.httpPort + " postgres port " + stack.pg.port()
        + " logs in " + settings.work());
    System.out.println("token " + stack.keys.token(vertx, user, "by-hand@example.com", "by hand"));
    Thread.currentThread().join();
  }

  /** The gateway routes to coto-service once it has heard its announcement. */
  private static void awaitRoute(Proc gateway) throws Exception {
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      String body = http.send(java.net.http.HttpRequest.newBuilder(
          java.net.URI.create("http://127.0.0.1:" + gateway.httpPort + "/api/instances")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString()).body();
      if (body.contains("coto-service")) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("the gateway never saw coto-service");
  }
}
