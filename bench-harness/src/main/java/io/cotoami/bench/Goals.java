package io.cotoami.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The goals of issue 17, each judged from this run's figures: the ratio the goal is about and "met" or
 * "not met"; a goal this run has no figure for says "not measured" and why. Goal 2 is item 4
 * (bench/proxy.sh, outside the harness): bench/run.sh fills its rows in.
 */
final class Goals {
  static final String MET = "met";
  static final String NOT_MET = "not met";
  static final String NOT_MEASURED = "not measured";

  /** One goal's line: the goal, what was measured against what, the ratio, the bound, the verdict. */
  record Line(String goal, String what, String measured, double ratio, String bound, String verdict) {
  }

  private Goals() {
  }

  static List<Line> judge(List<Report.Row> rows) {
    List<Line> lines = new ArrayList<>();
    ratio(lines, rows, "1. post through the gateway", "1. post path", m -> m.startsWith("requests/s, ")
        && !m.contains("cold"), true, 0.8, "≥ 0.8× pgbench");
    lines.add(notMeasured("1. post through the gateway: p99 at half the maximum rate", "< 20 ms",
        "wrk runs closed-loop at the maximum rate only"));
    lines.add(notMeasured("2. proxy with affinity: requests/s", "≥ 1.0× nginx", "item 4 (bench/proxy.sh) did not run"));
    lines.add(notMeasured("2. proxy with affinity: p99", "≤ 1.0× nginx", "item 4 (bench/proxy.sh) did not run"));
    ratio(lines, rows, "3. post path at INFO against WARN", "1. post path", m -> m.startsWith("requests/s at INFO against WARN"),
        true, 0.9, "≥ 0.9×");
    String room = largestRoom(rows);
    if (room == null) {
      lines.add(notMeasured("4. a 10,000-viewer room", "", "item 2 did not run"));
    } else {
      String goal = "4. a " + room.replaceAll("\\D+", " ").trim().split(" ")[1] + "-viewer room";
      Optional<Report.Row> short_ = find(rows, room, m -> m.startsWith("subscribed within"));
      if (short_.isPresent()) {
        Report.Row r = short_.get();
        lines.add(new Line(goal + ": all subscribed", r.measure(), Report.num(r.value()) + " of "
            + Report.num(r.referenceValue()), r.ratio(), "all, within 2× the bare set-up", NOT_MET));
      } else {
        ratio(lines, rows, goal + ": set-up", room, m -> m.startsWith("set-up"), false, 2.0, "≤ 2× bare broadcast");
        ratio(lines, rows, goal + ": delivery p99", room, m -> m.startsWith("delivery p99"), false, 1.25,
            "≤ 1.25× bare broadcast");
        ratio(lines, rows, goal + ": delivered/s", room, m -> m.startsWith("delivered"), true, 0.8,
            "≥ 0.8× bare broadcast");
      }
    }
    lines.add(notMeasured("5. a room across two gateways", "p99 ≤ 1.5× one gateway's", "not in the suite yet"));
    ratio(lines, rows, "6. heap per idle WebSocket", "3. connections", m -> m.startsWith("heap per"), false, 1.0,
        "≤ 1.0× bare server");
    absolute(lines, rows, "7. clustered request/reply p99", "5. event bus", m -> m.startsWith("round trip p99"), 1.0,
        "ms", "≤ 1 ms");
    absolute(lines, rows, "8. start-up, slowest service", "6. start-up", m -> m.endsWith("start → ready")
        && !m.startsWith("bare"), 5000, "ms", "≤ 5 s");
    absolute(lines, rows, "8. idle RSS, largest service", "6. start-up", m -> m.endsWith("RSS at idle")
        && !m.startsWith("bare"), 160, "MiB", "≤ 160 MiB");
    return lines;
  }

  static String table(List<Report.Row> rows) {
    StringBuilder table = new StringBuilder("| goal | measured | value | ratio | bound | verdict |\n|---|---|---|---|---|---|\n");
    for (Line l : judge(rows)) {
      table.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |%n", l.goal(), l.what(), l.measured(),
          Double.isNaN(l.ratio()) ? "n/a" : String.format(Locale.ROOT, "%.2f", l.ratio()), l.bound(),
          l.verdict().equals(NOT_MEASURED) ? l.verdict() : "**" + l.verdict() + "**"));
    }
    return table.toString();
  }

  private static Line notMeasured(String goal, String bound, String why) {
    return new Line(goal, why, "", Double.NaN, bound, NOT_MEASURED);
  }

  /** The fan-out item of the most viewers of a cotonoma. */
  private static String largestRoom(List<Report.Row> rows) {
    return rows.stream().map(Report.Row::item).filter(i -> i.startsWith("2. fan-out ") && i.endsWith("(cotonoma)"))
        .max(Comparator.comparingInt(i -> Integer.parseInt(i.replaceAll("\\D+", " ").trim().split(" ")[1])))
        .orElse(null);
  }

  private static Optional<Report.Row> find(List<Report.Row> rows, String item, Predicate<String> measure) {
    return rows.stream().filter(r -> r.item().equals(item) && measure.test(r.measure())).findFirst();
  }

  /** A goal on the ratio to the row's reference: at least {@code bound} when higher is better, else at most. */
  private static void ratio(List<Line> lines, List<Report.Row> rows, String goal, String item, Predicate<String> measure,
                            boolean higherIsBetter, double bound, String text) {
    Optional<Report.Row> row = find(rows, item, measure);
    if (row.isEmpty()) {
      lines.add(notMeasured(goal, text, "no figure in this run"));
      return;
    }
    Report.Row r = row.get();
    double ratio = r.ratio();
    boolean met = Double.isFinite(ratio) && (higherIsBetter ? ratio >= bound : ratio <= bound);
    lines.add(new Line(goal, r.measure() + " against " + r.reference(), Report.num(r.value()) + " " + r.unit()
        + " / " + Report.num(r.referenceValue()) + " " + r.unit(), ratio, text, met ? MET : NOT_MET));
  }

  /** A goal on an absolute bound (the worst matching row): the ratio is value / bound. */
  private static void absolute(List<Line> lines, List<Report.Row> rows, String goal, String item,
                               Predicate<String> measure, double bound, String unit, String text) {
    Optional<Report.Row> worst = rows.stream().filter(r -> r.item().equals(item) && measure.test(r.measure()))
        .max(Comparator.comparingDouble(Report.Row::value));
    if (worst.isEmpty()) {
      lines.add(notMeasured(goal, text, "no figure in this run"));
      return;
    }
    Report.Row r = worst.get();
    lines.add(new Line(goal, r.measure(), Report.num(r.value()) + " " + unit, r.value() / bound, text,
        r.value() <= bound ? MET : NOT_MET));
  }
}
