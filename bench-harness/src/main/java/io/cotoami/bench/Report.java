package io.cotoami.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/** What a run found: a summary row per figure (value, its reference, the ratio) and a section per item. */
final class Report {
  /** One figure against its reference measured in the same run. */
  record Row(String item, String measure, double value, String reference, double referenceValue, String unit) {
    double ratio() {
      return referenceValue == 0 ? Double.NaN : value / referenceValue;
    }
  }

  final List<Row> rows = new ArrayList<>();
  final StringBuilder sections = new StringBuilder();
  /** What went wrong while measuring (failed requests, lost deliveries...): the figures are then suspect. */
  final List<String> problems = new ArrayList<>();

  void problem(String what) {
    problems.add(what);
    Bench.say("PROBLEM: " + what);
  }

  void row(String item, String measure, double value, String reference, double referenceValue, String unit) {
    rows.add(new Row(item, measure, value, reference, referenceValue, unit));
    Bench.say(String.format(Locale.ROOT, "%s: %s = %s %s (reference %s = %s; ratio %.2f)", item, measure,
        num(value), unit, reference, num(referenceValue), value / referenceValue));
  }

  void section(String markdown) {
    sections.append(markdown).append("\n\n");
  }

  String problemsList() {
    StringBuilder list = new StringBuilder();
    problems.forEach(p -> list.append("- ").append(p.replace('\n', ' ')).append('\n'));
    return list.toString();
  }

  String summaryTable() {
    StringBuilder table = new StringBuilder(
        "| item | measurement | value | reference | reference value | ratio |\n|---|---|---|---|---|---|\n");
    for (Row row : rows) {
      table.append(String.format(Locale.ROOT, "| %s | %s | %s %s | %s | %s %s | %.2f |%n", row.item(), row.measure(),
          num(row.value()), row.unit(), row.reference(), num(row.referenceValue()), row.unit(), row.ratio()));
    }
    return table.toString();
  }

  static String num(double value) {
    if (Double.isNaN(value)) {
      return "n/a";
    }
    if (Math.abs(value) >= 100) {
      return String.format(Locale.ROOT, "%.0f", value);
    }
    if (Math.abs(value) >= 10) {
      return String.format(Locale.ROOT, "%.1f", value);
    }
    return String.format(Locale.ROOT, "%.2f", value);
  }

  /** Milliseconds from a histogram of microseconds. */
  static double ms(Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1000.0;
  }

  static double maxMs(Histogram h) {
    return h.getTotalCount() == 0 ? Double.NaN : h.getMaxValue() / 1000.0;
  }

  static Histogram micros() {
    return new Histogram(3_600_000_000L, 3);
  }
}
