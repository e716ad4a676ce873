package io.cotoami.bench;

import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Item 1. Signed-in users posting cotos through the gateway (wrk with a Lua script, bearer tokens
 * of {@code connections} users, one JSON body), against pgbench running the same transaction
 * coto-service runs for such a post (insert the coto, take the next event id of the author's home
 * timeline, store the event) in the same PostgreSQL, with the same client count.
 */
final class PostBench {
  static final String CONTENT = "A coto posted by the benchmark: some markdown, **bold**, and a link https://cotoami.example/x";

  record Result(Tools.Wrk wrk, Tools.Wrk direct, double pgTps, double pgP50, double pgP99, long pgFailed) {
  }

  /**
   * Warm-up: wrk rounds of {@code roundSeconds} through the gateway until two successive rounds differ by
   * under {@value #STEADY} of the larger (the JIT has settled), at most {@code maxRounds} rounds and
   * {@code maxSeconds} in all. The first round is the cold figure.
   */
  record Warmup(int roundSeconds, int maxRounds, int maxSeconds) {
    static final double STEADY = 0.10;

    static boolean steady(double previous, double last) {
      return Math.abs(last - previous) < STEADY * Math.max(previous, last);
    }
  }

  private final Bench.Settings settings;
  private final int connections;
  private final int seconds;
  private final Warmup warmup;
  private final int rounds;

  PostBench(Bench.Settings settings, int connections, int seconds, Warmup warmup, int rounds) {
    this.settings = settings;
    this.connections = connections;
    this.seconds = seconds;
    this.warmup = warmup;
    this.rounds = rounds;
  }

  Result run(Stack stack, Proc gateway, Proc coto, Vertx vertx, Report report) throws Exception {
    Path lua = settings.work().resolve("post.lua");
    StringBuilder tokens = new StringBuilder();
    for (int i = 1; i <= connections; i++) {
      String id = UUID.randomUUID().toString();
      tokens.append("  \"").append(stack.keys.token(vertx, id, "bench-" + i + "@example.com", "bench " + i))
          .append("\",\n");
    }
    Tools.write(lua, """
        -- Signed-in users posting a coto: the users' tokens in turn, one JSON body.
        local tokens = {
        %s}
        local body = '{"content":"%s","summary":"bench"}'
        local i = 0
        request = function()
          i = i + 1
          return wrk.format("POST", "/api/cotos", {["Content-Type"] = "application/json",
            ["Authorization"] = "Bearer " .. tokens[(i %% #tokens) + 1]}, body)
        end
        """.formatted(tokens, CONTENT));
    Path sql = settings.work().resolve("post.sql");
    Tools.write(sql, pgbenchScript());
    String url = "http://127.0.0.1:" + gateway.httpPort;
    List<String> wrk = List.of("wrk", "-t1", "-c" + connections, "-d" + seconds + "s", "--latency", "-s", lua.toString(),
        url);
    Map<String, String> pgEnv = Map.of("PGPASSWORD", stack.pg.password(), "PGDATABASE", stack.pg.database());
    List<String> pgbench = new ArrayList<>(List.of("pgbench", "-h", "127.0.0.1", "-p", String.valueOf(stack.pg.port()),
        "-U", stack.pg.user(), "-n", "-M", "prepared", "-c", String.valueOf(connections), "-j", "1",
        "-T", String.valueOf(seconds), "-D", "users=" + connections, "-f", sql.toString()));

    List<String> direct = new ArrayList<>(wrk);
    direct.set(direct.size() - 1, "http://127.0.0.1:" + coto.httpPort);
    List<Double> warm = warmUp(wrk);
    boolean steady = warm.size() >= 2 && Warmup.steady(warm.get(warm.size() - 2), warm.get(warm.size() - 1));
    if (!steady && !settings.smoke()) {
      report.problem("post path: not steady after " + warm.size() + " warm-up rounds of " + warmup.roundSeconds()
          + " s (requests/s " + warm + "): the figures still include JIT warm-up");
    }
    List<String> pgWarm = new ArrayList<>(pgbench);
    pgWarm.set(pgWarm.indexOf("-T") + 1, String.valueOf(Math.max(1, warmup.roundSeconds() / 2)));
    Tools.run(pgWarm, pgEnv, settings.work().resolve("pgbench-warmup.txt"), warmup.roundSeconds() + 60L);

    List<Tools.Wrk> wrkRounds = new ArrayList<>();
    List<Tools.Wrk> directRounds = new ArrayList<>();
    List<double[]> pgRounds = new ArrayList<>();
    for (int round = 1; round <= rounds; round++) {
      Bench.say("post path: round " + round + " of " + rounds + ": wrk for " + seconds + " s");
      Tools.Wrk result = Tools.Wrk.parse(Tools.run(wrk, Map.of(), settings.work().resolve("wrk-" + round + ".txt"),
          seconds + 60L));
      wrkRounds.add(result);
      Bench.say("post path: round " + round + ": wrk straight to coto-service for " + seconds + " s");
      directRounds.add(Tools.Wrk.parse(Tools.run(direct, Map.of(), settings.work().resolve("wrk-direct-" + round + ".txt"),
          seconds + 60L)));
      Bench.say("post path: round " + round + ": pgbench for " + seconds + " s");
      pgRounds.add(pgbench(pgbench, pgEnv, round));
    }
    Tools.Wrk median = medianOf(wrkRounds);
    Tools.Wrk straight = medianOf(directRounds);
    Result result = new Result(median, straight, median(pgRounds.stream().map(r -> r[0]).toList()),
        median(pgRounds.stream().map(r -> r[1]).toList()), median(pgRounds.stream().map(r -> r[2]).toList()),
        pgRounds.stream().mapToLong(r -> (long) r[3]).sum());

    // Goal 3: the same warm processes at WARN and back at the run's level, in turn, so that the
    // access log's cost is measured apart from the JIT and the machine's drift between runs.
    List<Double> atWarn = new ArrayList<>();
    List<Double> atDefault = new ArrayList<>();
    boolean levels = !"WARN".equals(Stack.logLevel());
    for (int round = 1; levels && round <= rounds; round++) {
      for (String level : List.of("WARN", Stack.logLevel())) {
        setLevel(List.of(gateway, coto), level);
        Bench.say("post path: round " + round + " at " + level + ": wrk for " + seconds + " s");
        (level.equals("WARN") ? atWarn : atDefault).add(Tools.Wrk.parse(Tools.run(wrk, Map.of(),
            settings.work().resolve("wrk-" + level + "-" + round + ".txt"), seconds + 60L)).requestsPerSecond());
      }
    }

    if (median.failed() + straight.failed() + result.pgFailed() > 0) {
      report.problem("post path: failed requests: gateway " + median.failed() + ", coto-service " + straight.failed()
          + ", pgbench " + result.pgFailed());
    }
    String item = "1. post path";
    report.row(item, "requests/s, cold (the first " + warmup.roundSeconds() + " s)", warm.get(0), "pgbench tps",
        result.pgTps(), "/s");
    report.row(item, "requests/s, " + connections + " connections", median.requestsPerSecond(), "pgbench tps", result.pgTps(), "/s");
    report.row(item, "p50 latency", median.p50Ms(), "pgbench p50", result.pgP50(), "ms");
    report.row(item, "p99 latency", median.p99Ms(), "pgbench p99", result.pgP99(), "ms");
    report.row(item, "requests/s straight to coto-service (no gateway)", straight.requestsPerSecond(), "pgbench tps",
        result.pgTps(), "/s");
    if (levels) {
      report.row(item, "requests/s at " + Stack.logLevel() + " against WARN (the same processes, in turn)",
          median(atDefault), "the same at WARN", median(atWarn), "/s");
    }
    report.section(String.format(Locale.ROOT, """
        ## 1. Post path

        %d signed-in users (ES256 bearer tokens minted with the stack's key) post a coto through the gateway:
        `POST /api/cotos {"content": <%d characters>, "summary": "bench"}`, no `clientId` (every post is a new
        coto). wrk sends the tokens in turn over %d connections (1 thread). The reference is pgbench with the
        same client count running, in the same PostgreSQL, the transaction coto-service runs for that post
        (`BEGIN; INSERT INTO cotos ... RETURNING ...; WITH counter AS (INSERT INTO timelines ... ON CONFLICT
        DO UPDATE ... RETURNING last_event_id) INSERT INTO timeline_events ...; COMMIT`) for %d authors,
        prepared statements; its latencies come from its per-transaction log. Warm-up: wrk rounds of %d s
        through the gateway until two successive rounds differ by under 10 %% (at most %d rounds, %d s):
        %s requests/s, %s (the first is the summary's cold figure); then pgbench for half a round, then %d
        interleaved rounds of %d s; medians (failed: sum over rounds).

        | target | requests/s | p50 ms | p99 ms | failed |
        |---|---|---|---|---|
        | gateway → coto-service → PostgreSQL (wrk) | %s | %s | %s | %d |
        | coto-service → PostgreSQL, no gateway (wrk, same script) | %s | %s | %s | %d |
        | PostgreSQL alone (pgbench, same transaction) | %s | %s | %s | %d |
        | ratio gateway / pgbench | %.2f | %.2f | %.2f | |

        ```sh
        wrk -t1 -c%d -d%ds --latency -s post.lua http://127.0.0.1:<gateway>
        wrk -t1 -c%d -d%ds --latency -s post.lua http://127.0.0.1:<coto-service>
        pgbench -h 127.0.0.1 -p <pg> -U cotoami -n -M prepared -c %d -j 1 -T %d -D users=%d -f post.sql -l
        ```
        """, connections, CONTENT.length(), connections, connections, warmup.roundSeconds(), warmup.maxRounds(),
        warmup.maxSeconds(), warm.stream().map(Report::num).toList(), steady ? "steady" : "**not steady** (cap reached)", rounds, seconds,
        Report.num(median.requestsPerSecond()), Report.num(median.p50Ms()), Report.num(median.p99Ms()), median.failed(),
        Report.num(straight.requestsPerSecond()), Report.num(straight.p50Ms()), Report.num(straight.p99Ms()),
        straight.failed(),
        Report.num(result.pgTps()), Report.num(result.pgP50()), Report.num(result.pgP99()), result.pgFailed(),
        median.requestsPerSecond() / result.pgTps(), median.p50Ms() / result.pgP50(), median.p99Ms() / result.pgP99(),
        connections, seconds, connections, seconds, connections, seconds, connections));
    return result;
  }

  /** Sets the root log level of each service through its management port ({@code PUT /log-level}). */
  private static void setLevel(List<Proc> services, String level) throws Exception {
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    for (Proc service : services) {
      java.net.http.HttpResponse<String> answer = http.send(java.net.http.HttpRequest.newBuilder(
              java.net.URI.create("http://127.0.0.1:" + service.readyPort + "/log-level"))
          .header("Content-Type", "application/json")
          .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"level\":\"" + level + "\"}")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      if (answer.statusCode() != 200) {
        throw new IllegalStateException(service.name + " refused log level " + level + ": " + answer.body());
      }
    }
  }

  /** Warm-up rounds through the gateway (see {@link Warmup}); their requests/s, the cold one first. */
  private List<Double> warmUp(List<String> wrk) throws Exception {
    List<String> round = new ArrayList<>(wrk);
    round.set(3, "-d" + warmup.roundSeconds() + "s");
    List<Double> rates = new ArrayList<>();
    long started = System.nanoTime();
    while (rates.size() < warmup.maxRounds()) {
      int n = rates.size() + 1;
      rates.add(Tools.Wrk.parse(Tools.run(round, Map.of(), settings.work().resolve("wrk-warmup-" + n + ".txt"),
          warmup.roundSeconds() + 60L)).requestsPerSecond());
      Bench.say("post path: warm-up round " + n + ": " + Report.num(rates.get(n - 1)) + " requests/s"
          + (n == 1 ? " (cold)" : ""));
      boolean steady = n >= 2 && Warmup.steady(rates.get(n - 2), rates.get(n - 1));
      if (steady || System.nanoTime() - started >= TimeUnit.SECONDS.toNanos(warmup.maxSeconds())) {
        break;
      }
    }
    return rates;
  }

  /** One pgbench round → {tps, p50 ms, p99 ms, failed}, latencies from its per-transaction log. */
  private double[] pgbench(List<String> command, Map<String, String> env, int round) throws Exception {
    Path logDir = Files.createDirectories(settings.work().resolve("pgbench-log-" + round));
    List<String> logged = new ArrayList<>(command);
    logged.addAll(List.of("-l", "--log-prefix=" + logDir.resolve("tx")));
    String text = Tools.run(logged, env, settings.work().resolve("pgbench-" + round + ".txt"), 120);
    double tps = Double.parseDouble(Tools.find(text, "tps = ([\\d.]+)"));
    long failed = 0;
    java.util.regex.Matcher f = java.util.regex.Pattern.compile("number of failed transactions: (\\d+)").matcher(text);
    if (f.find()) {
      failed = Long.parseLong(f.group(1));
    }
    Histogram latencies = Tools.pgbenchLatencies(logDir);
    if (latencies.getTotalCount() == 0) {
      throw new IllegalStateException("pgbench logged no transaction:\n" + text);
    }
    return new double[] {tps, Report.ms(latencies, 50), Report.ms(latencies, 99), failed};
  }

  static String pgbenchScript() {
    String author = "('00000000-0000-4000-8000-' || lpad(:u::text, 12, '0'))::uuid";
    String payload = "{\"coto\": {\"id\": \"0b6f3c7e-5a4e-4f7c-9d0e-2f1f7d3c9a11\", \"content\": \"" + CONTENT
        + "\", \"summary\": \"bench\", \"authorId\": \"00000000-0000-4000-8000-000000000001\", \"cotonomaKey\": null, "
        + "\"postedAt\": \"2026-11-25T09:12:03.120Z\", \"updatedAt\": null, \"anonymous\": false}}";
    return "-- The transaction coto-service runs for a signed-in post on the author's home (no cotonoma).\n"
        + "\\set u random(1, :users)\n"
        + "BEGIN;\n"
        + "INSERT INTO coto.cotos AS c (id, author_id, content, summary, client_id, cotonoma_key, as_cotonoma) "
        + "VALUES (gen_random_uuid(), " + author + ", '" + CONTENT + "', 'bench', NULL, NULL, NULL) "
        + "RETURNING c.id, c.seq, c.author_id, c.content, c.summary, c.cotonoma_key, c.as_cotonoma, c.posted_at, c.updated_at;\n"
        + "WITH counter AS (INSERT INTO coto.timelines (name, last_event_id) VALUES ('home:' || " + author + "::text, 1) "
        + "ON CONFLICT (name) DO UPDATE SET last_event_id = timelines.last_event_id + 1 RETURNING last_event_id) "
        + "INSERT INTO coto.timeline_events (timeline, event_id, type, payload) "
        + "SELECT 'home:' || " + author + "::text, last_event_id, 'coto-posted', '" + payload + "'::jsonb FROM counter "
        + "RETURNING event_id;\n"
        + "COMMIT;\n";
  }

  private static Tools.Wrk medianOf(List<Tools.Wrk> rounds) {
    return new Tools.Wrk(median(rounds.stream().map(Tools.Wrk::requestsPerSecond).toList()),
        median(rounds.stream().map(Tools.Wrk::p50Ms).toList()), median(rounds.stream().map(Tools.Wrk::p99Ms).toList()),
        rounds.stream().mapToLong(Tools.Wrk::requests).sum(), rounds.stream().mapToLong(Tools.Wrk::failed).sum());
  }

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
