package io.cotoami.system;

import io.cotoami.infra.TestConfigs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A service started as its own JVM, as it runs in production: the test's class path, the
 * test's variables, standard output and error in files of its own.
 */
final class ServiceProcess implements AutoCloseable {
  private final Process process;
  private final Path dir;

  private ServiceProcess(Process process, Path dir) {
    this.process = process;
    this.dir = dir;
  }

  /** Public port of a process → its management port ({@code /health/*}, {@code /metrics}). */
  private static final Map<Integer, Integer> MANAGEMENT = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * The management port of the process whose public port is {@code httpPort}: chosen on first
   * use; the test passes it as {@code MANAGEMENT_PORT} and polls readiness there.
   */
  static int managementPort(int httpPort) {
    return MANAGEMENT.computeIfAbsent(httpPort, p -> io.cotoami.infra.FreePorts.next());
  }

  /** Starts {@code main} in a new JVM with the test environment of {@code cluster} plus {@code extra}. */
  static ServiceProcess start(Class<?> main, String cluster, Map<String, String> extra) throws IOException {
    return start(main, cluster, extra, List.of());
  }

  /** As {@link #start}, with at most {@code fdLimit} open files ({@code ulimit -n}), as a small container has. */
  static ServiceProcess startWithFdLimit(Class<?> main, String cluster, Map<String, String> extra, int fdLimit)
      throws IOException {
    return start(main, cluster, extra, List.of("bash", "-c", "ulimit -n " + fdLimit + " && exec \"$0\" \"$@\""));
  }

  private static ServiceProcess start(Class<?> main, String cluster, Map<String, String> extra, List<String> prefix)
      throws IOException {
    Path dir = Files.createTempDirectory("cotoami-process-");
    List<String> command = new java.util.ArrayList<>(prefix);
    command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), main.getName()));
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectOutput(dir.resolve("stdout").toFile())
        .redirectError(dir.resolve("stderr").toFile());
    builder.environment().putAll(TestConfigs.env(cluster, extra));
    return new ServiceProcess(builder.start(), dir);
  }

  Process process() {
    return process;
  }

  long pid() {
    return process.pid();
  }

  Path stdout() {
    return dir.resolve("stdout");
  }

  Path stderr() {
    return dir.resolve("stderr");
  }

  List<String> stdoutLines() throws IOException {
    return Files.readAllLines(stdout(), StandardCharsets.UTF_8);
  }

  /** Waits until a line of standard output matches, for at most {@code seconds}. */
  String awaitLog(Predicate<String> line, int seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      for (String candidate : stdoutLines()) {
        if (line.test(candidate)) {
          return candidate;
        }
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    throw new AssertionError("no such log line within " + seconds + " s in " + stdout());
  }

  /**
   * For a failure message: the last 20 lines of standard output and the main threads' stacks
   * (jstack, from the JDK running the tests), so that a process that hangs says where.
   */
  String diagnosis() {
    StringBuilder out = new StringBuilder();
    try {
      List<String> lines = stdoutLines();
      lines.subList(Math.max(0, lines.size() - 20), lines.size()).forEach(l -> out.append(l).append('\n'));
      if (process.isAlive()) {
        Path jstack = Path.of(System.getProperty("java.home"), "bin", "jstack");
        Process dump = new ProcessBuilder(jstack.toString(), String.valueOf(pid())).redirectErrorStream(true).start();
        String threads = new String(dump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        dump.waitFor(20, TimeUnit.SECONDS);
        out.append(threads, 0, Math.min(threads.length(), 30_000));
      }
    } catch (IOException | InterruptedException e) {
      out.append("(no more: ").append(e).append(')');
    }
    return out.toString();
  }

  /** SIGKILL: the process dies at once, saying goodbye to nobody. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        kill();
      }
    }
  }

  /**
   * SIGTERM to every process at once, then waits for each: one after another, each would take
   * its seconds of draining and leaving the cluster in turn.
   */
  static void closeAll(java.util.Collection<ServiceProcess> processes) throws InterruptedException {
    for (ServiceProcess each : processes) {
      if (each != null && each.process.isAlive()) {
        each.process.destroy();
      }
    }
    for (ServiceProcess each : processes) {
      if (each != null && !each.process.waitFor(30, TimeUnit.SECONDS)) {
        each.kill();
      }
    }
  }
}
