package io.cotoami.system;

import io.cotoami.infra.PostgresServer;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * SIGSTOP on a set of processes, SIGCONT on close: a process alive but silent, as a long GC
 * pause, a stalled disk or a frozen VM leaves it. Always use it in try-with-resources.
 */
final class Freeze implements AutoCloseable {
  private final List<Long> pids;
  private boolean stopped;

  private Freeze(List<Long> pids) {
    this.pids = pids;
  }

  /** The embedded PostgreSQL: its postmaster (from {@code postmaster.pid}) first, then every backend. */
  static Freeze postgres(PostgresServer postgres) throws IOException, InterruptedException {
    long postmaster = Long.parseLong(Files.readAllLines(postgres.dataDir().resolve("postmaster.pid")).get(0).strip());
    List<Long> pids = new ArrayList<>();
    pids.add(postmaster);
    ProcessHandle.of(postmaster).orElseThrow().descendants().forEach(p -> pids.add(p.pid()));
    return new Freeze(pids).stop();
  }

  static Freeze process(long pid) throws IOException, InterruptedException {
    return new Freeze(List.of(pid)).stop();
  }

  private Freeze stop() throws IOException, InterruptedException {
    // Marked first: whatever part of the signal got through is undone by close().
    stopped = true;
    try {
      signal("-STOP", pids);
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
    return this;
  }

  /** SIGCONT, in reverse order. Idempotent. */
  @Override
  public void close() throws IOException, InterruptedException {
    if (stopped) {
      stopped = false;
      List<Long> reversed = new ArrayList<>(pids);
      Collections.reverse(reversed);
      signal("-CONT", reversed);
    }
  }

  /**
   * Signals every pid. A process that exited meanwhile (PostgreSQL's short-lived autovacuum and
   * parallel workers do) is not a failure; one still alive that could not be signalled is.
   */
  private static void signal(String signal, List<Long> pids) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("kill", signal));
    pids.forEach(pid -> command.add(String.valueOf(pid)));
    Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (!kill.waitFor(10, TimeUnit.SECONDS)) {
      kill.destroyForcibly();
      throw new IllegalStateException("kill " + signal + " " + pids + " did not finish");
    }
    if (kill.exitValue() != 0) {
      String said = new String(kill.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      for (long pid : pids) {
        if (ProcessHandle.of(pid).isPresent() && said.contains("(" + pid + ")")) {
          throw new IllegalStateException("kill " + signal + " " + pid + " failed: " + said.strip());
        }
      }
    }
  }
}
