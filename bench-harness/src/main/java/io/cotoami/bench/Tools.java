package io.cotoami.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/** External load generators (wrk, pgbench): run them, read their output. */
final class Tools {
  private Tools() {
  }

  static boolean installed(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  static String run(List<String> command, Map<String, String> env, Path output, long timeoutSeconds) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
    builder.environment().putAll(env);
    Process process = builder.start();
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s");
    }
    String text = Files.readString(output);
    if (process.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " exited with " + process.exitValue() + ":\n" + text);
    }
    return text;
  }

  /** What wrk printed with --latency. */
  record Wrk(double requestsPerSecond, double p50Ms, double p99Ms, long requests, long failed) {
    static Wrk parse(String text) {
      double rps = Double.parseDouble(find(text, "Requests/sec:\\s+([\\d.]+)"));
      long requests = Long.parseLong(find(text, "(\\d+) requests in"));
      long failed = 0;
      Matcher non2xx = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)").matcher(text);
      if (non2xx.find()) {
        failed += Long.parseLong(non2xx.group(1));
      }
      Matcher socket = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)")
          .matcher(text);
      if (socket.find()) {
        for (int i = 1; i <= 4; i++) {
          failed += Long.parseLong(socket.group(i));
        }
      }
      return new Wrk(rps, ms(find(text, "(?m)^\\s+50%\\s+(\\S+)")), ms(find(text, "(?m)^\\s+99%\\s+(\\S+)")),
          requests, failed);
    }

    private static double ms(String value) {
      Matcher m = Pattern.compile("([\\d.]+)(us|ms|s|m)$").matcher(value);
      if (!m.matches()) {
        throw new IllegalStateException("cannot read wrk's latency '" + value + "'");
      }
      double number = Double.parseDouble(m.group(1));
      return switch (m.group(2)) {
        case "us" -> number / 1000;
        case "ms" -> number;
        case "s" -> number * 1000;
        default -> number * 60_000;
      };
    }
  }

  /** The latencies (µs) of every transaction in the per-transaction logs pgbench wrote to {@code logDir} ({@code -l}). */
  static Histogram pgbenchLatencies(Path logDir) throws IOException {
    Histogram latencies = Report.micros();
    try (Stream<Path> files = Files.list(logDir)) {
      for (Path file : files.toList()) {
        for (String line : Files.readAllLines(file)) {
          String[] fields = line.trim().split("\\s+");
          if (fields.length >= 3) {
            latencies.recordValue(Math.max(1, Long.parseLong(fields[2])));
          }
        }
      }
    }
    return latencies;
  }

  static String find(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    if (!m.find()) {
      throw new IllegalStateException("no '" + regex + "' in:\n" + text);
    }
    return m.group(1);
  }

  static void write(Path file, String text) throws IOException {
    Files.writeString(file, text);
  }
}
