package io.cotoami.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A child JVM (a service or a reference server), optionally pinned with taskset, logging to a file. */
final class Proc implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  final String name;
  final int httpPort;
  /** Where {@code /health/ready} answers: a service's management port, a reference server's HTTP port. */
  final int readyPort;
  final Process process;
  final Path log;
  final long startedNanos;

  private Proc(String name, int httpPort, int readyPort, Process process, Path log, long startedNanos) {
    this.name = name;
    this.httpPort = httpPort;
    this.readyPort = readyPort;
    this.process = process;
    this.log = log;
    this.startedNanos = startedNanos;
  }

  /** {@code java <options> <launch...>} where launch is {@code -jar x.jar} or {@code -cp cp Main args}. */
  static Proc start(String name, Bench.Settings settings, List<String> javaOptions, List<String> launch,
                    Map<String, String> env, int httpPort) throws IOException {
    return start(name, settings, javaOptions, launch, env, httpPort, httpPort);
  }

  /** A service: its readiness is on its management port. */
  static Proc start(String name, Bench.Settings settings, List<String> javaOptions, List<String> launch,
                    Map<String, String> env, int httpPort, int readyPort) throws IOException {
    List<String> command = new ArrayList<>(settings.serverPrefix());
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(javaOptions);
    command.addAll(launch);
    Path log = settings.work().resolve(name + ".log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(env);
    long started = System.nanoTime();
    return new Proc(name, httpPort, readyPort, builder.start(), log, started);
  }

  long pid() {
    return process.pid();
  }

  /** Polls {@code path} every 20 ms until it answers 200; returns the time since the process started. */
  Duration awaitReady(String path, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + readyPort + path))
        .timeout(Duration.ofSeconds(2)).GET().build();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with status " + process.exitValue() + "; log: " + tail());
      }
      try {
        if (HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return Duration.ofNanos(System.nanoTime() - startedNanos);
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException(name + " not ready after " + timeout.toSeconds() + " s; log: " + tail());
  }

  /** Resident set size now, from /proc (kB → bytes). */
  long rssBytes() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid()), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    throw new IOException("no VmRSS for " + name);
  }

  /** Heap in use after a full GC (jcmd), in bytes. */
  long heapAfterGc() throws Exception {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    run(List.of(jcmd, String.valueOf(pid()), "GC.run"));
    return heapUsed(run(List.of(jcmd, String.valueOf(pid()), "GC.heap_info")));
  }

  /**
   * Bytes in use in {@code jcmd GC.heap_info}'s output, summed over the generations: the serial
   * collector prints "def new generation total 3712K, used 1130K [..." and "tenured generation ...",
   * the parallel one "PSYoungGen total ..., used ...K" and "ParOldGen ...", G1 "garbage-first heap ...".
   */
  static long heapUsed(String info) {
    long used = 0;
    java.util.regex.Matcher m = java.util.regex.Pattern
        .compile("(?m)^\\s*(?:[A-Za-z-]+\\s+)*?(?:\\S*Gen|generation|heap)\\s+total \\d+K, used (\\d+)K").matcher(info);
    while (m.find()) {
      used += Long.parseLong(m.group(1));
    }
    return used * 1024;
  }

  private static String run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor(60, TimeUnit.SECONDS);
    return out;
  }

  String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
