package io.cotoami.devstack;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One service instance as a child JVM whose output is streamed with a name prefix. */
final class ServiceProcess {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  private final String name;
  private final int httpPort;
  private final int managementPort;
  private final Process process;

  private ServiceProcess(String name, int httpPort, int managementPort, Process process) {
    this.name = name;
    this.httpPort = httpPort;
    this.managementPort = managementPort;
    this.process = process;
  }

  static ServiceProcess start(String name, Path jar, List<String> javaOptions, Map<String, String> env, int httpPort,
                              int managementPort, PrintStream out) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(javaOptions);
    command.add("-jar");
    command.add(jar.toString());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process process = builder.start();
    Thread pump = new Thread(() -> pump(name, process, out), name + "-log");
    pump.setDaemon(true);
    pump.start();
    return new ServiceProcess(name, httpPort, managementPort, process);
  }

  private static void pump(String name, Process process, PrintStream out) {
    String prefix = String.format("%-15s| ", name);
    try (BufferedReader reader = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        out.println(prefix + line);
      }
    } catch (IOException e) {
      // The process is gone; its exit is reported by whoever waits for it.
    }
  }

  String name() {
    return name;
  }

  int httpPort() {
    return httpPort;
  }

  /** Where its {@code /health/*}, {@code /metrics} and {@code /debug} answer (loopback). */
  int managementPort() {
    return managementPort;
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  int exitCode() {
    return process.exitValue();
  }

  boolean ready() {
    try {
      HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/health/ready"))
          .timeout(Duration.ofSeconds(2)).GET().build();
      return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Asks it to stop (SIGTERM); it drains and leaves the cluster. */
  void terminate() {
    process.destroy();
  }

  /** Waits for it to exit, killing it if it takes longer than {@code timeout}; returns its exit code. */
  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    return process.isAlive() ? -1 : process.exitValue();
  }
}
