package io.cotoami.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The suite with tiny sizes against real processes, so that the harness cannot rot: every item
 * runs, and what it measured must be sane. Needs wrk, pgbench and nginx (.ci/run installs them).
 */
class BenchSmokeTest {
  private static final Path HOME = Path.of(System.getProperty("cotoami.home", "..")).toAbsolutePath().normalize();

  @Test
  @DisplayName("Every harness item runs with tiny sizes and gives sane figures: throughput above zero, every subscriber got every post, non-empty histograms")
  void harnessItems() throws Exception {
    for (String tool : List.of("wrk", "pgbench")) {
      assertTrue(Tools.installed(tool), tool + " is needed (apt-get install wrk postgresql-client; .ci/run does it)");
    }
    Path work = Files.createTempDirectory("cotoami-bench-smoke-");
    Report report = BenchMain.run(BenchMain.settings(work, true, false), BenchMain.ITEMS);

    assertEquals(List.of(), report.problems, "nothing went wrong while measuring");
    for (String item : List.of("1. post path", "2. fan-out 20 (cotonoma)", "2. fan-out 30 (home timeline)", "2. fan-out 30 (cotonoma)", "3. connections", "5. event bus", "6. start-up")) {
      assertTrue(report.rows.stream().anyMatch(row -> row.item().equals(item)), "a figure for " + item);
    }
    for (Report.Row row : report.rows) {
      // Memory per connection over 50 sockets is within the noise of a JVM's heap and RSS: any sign.
      boolean perConnection = row.measure().startsWith("heap per") || row.measure().startsWith("RSS per");
      // A cold first second may complete no post at all (seen on a loaded machine): zero is a true figure.
      boolean cold = row.measure().contains("cold");
      if (cold) {
        assertTrue(row.value() >= 0 && row.referenceValue() > 0, row.toString());
      } else if (!perConnection) {
        assertTrue(row.value() > 0 && Double.isFinite(row.value()), row.toString());
        assertTrue(row.referenceValue() > 0 && Double.isFinite(row.referenceValue()), row.toString());
      }
    }
    assertTrue(report.rows.stream().anyMatch(r -> r.measure().startsWith("idle WebSockets held") && r.value() == 50
        && r.referenceValue() == 50), "all 50 idle sockets held by both: " + report.rows);
    assertTrue(report.summaryTable().lines().count() == report.rows.size() + 2);
    assertTrue(report.sections.toString().contains("## 6. Start-up"));
    assertTrue(report.rows.stream().anyMatch(r -> r.item().equals("1. post path")
        && r.measure().startsWith("requests/s, cold")), "the cold first round is reported");
    String sections = report.sections.toString();
    assertTrue(sections.contains("services log at INFO (their default)"), "the level the run used is said");
    assertTrue(sections.contains("postgres (pid ") && sections.contains("Cpus_allowed_list"),
        "PostgreSQL's pinning as the kernel saw it is printed");
    List<Goals.Line> goals = Goals.judge(report.rows);
    for (int goal = 1; goal <= 8; goal++) {
      String number = goal + ". ";
      assertTrue(goals.stream().anyMatch(l -> l.goal().startsWith(number)), "a line for goal " + goal + ": " + goals);
    }
    for (Goals.Line line : goals) {
      boolean measuredHere = line.goal().matches("^[134678]\\. .*") && !line.goal().contains("half the maximum");
      assertEquals(measuredHere, !line.verdict().equals(Goals.NOT_MEASURED), line.toString());
      assertTrue(List.of(Goals.MET, Goals.NOT_MET, Goals.NOT_MEASURED).contains(line.verdict()), line.toString());
    }
  }

  @Test
  @DisplayName("The proxy benchmark (item 4) runs with tiny durations and measures all three targets")
  void proxyItem() throws Exception {
    for (String tool : List.of("wrk", "nginx")) {
      assertTrue(Tools.installed(tool), tool + " is needed (apt-get install wrk nginx-light; .ci/run does it)");
    }
    Path out = Files.createTempFile("cotoami-proxy-", ".md");
    Path log = Files.createTempFile("cotoami-proxy-", ".log");
    ProcessBuilder builder = new ProcessBuilder("bench/proxy.sh").directory(HOME.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().putAll(Map.of("DURATION", "1", "WARMUP", "1", "WARMUP_MAX_ROUNDS", "1", "ROUNDS", "1",
        "BENCH_OUTPUT", out.toString()));
    Process process = builder.start();
    assertTrue(process.waitFor(5, TimeUnit.MINUTES), "proxy.sh finished");
    assertEquals(0, process.exitValue(), () -> "proxy.sh succeeded; its output:\n" + tail(log));
    String doc = Files.readString(out);
    for (String target : List.of("direct to one mail-service instance", "gateway, route cookie",
        "nginx, cookie-hash stickiness")) {
      String row = doc.lines().filter(l -> l.startsWith("| " + target + " |")).findFirst().orElseThrow();
      String[] cells = row.split("\\|");
      assertTrue(Double.parseDouble(cells[2].trim()) > 0, row);
      assertEquals("0", cells[5].trim(), "no failed requests: " + row);
    }
  }

  /** The script's last lines, so that a failure says why (its stack log's path is among them). */
  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (java.io.IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }
}
