package io.cotoami.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Which cores each process of the run may use, set with taskset and checked where the kernel says it:
 * {@code Cpus_allowed_list} in {@code /proc/<pid>/status}. The embedded PostgreSQL daemonises (pg_ctl
 * starts the postmaster, which is not our child), so it is found through its {@code postmaster.pid} and
 * pinned with its whole tree; backends forked later inherit the postmaster's mask.
 */
final class Pinning {
  /** Where the run puts the servers (services, PostgreSQL, Redis, references) and the loaders. */
  static final String SERVERS = "0";
  static final String LOADERS = "1";

  /** One process as the kernel sees it. */
  record Seen(String what, long pid, String cpus) {
    @Override
    public String toString() {
      return what + " (pid " + pid + "): Cpus_allowed_list " + cpus;
    }
  }

  private Pinning() {
  }

  /** Pins {@code pid} and every thread of it and of its descendants to {@code cpus}. */
  static void pin(long pid, String cpus) throws Exception {
    List<Long> tree = new ArrayList<>(List.of(pid));
    ProcessHandle.of(pid).ifPresent(p -> p.descendants().forEach(d -> tree.add(d.pid())));
    for (long each : tree) {
      Process taskset = new ProcessBuilder("taskset", "-a", "-p", "-c", cpus, String.valueOf(each))
          .redirectErrorStream(true).start();
      String out = new String(taskset.getInputStream().readAllBytes());
      if (taskset.waitFor() != 0 && ProcessHandle.of(each).map(ProcessHandle::isAlive).orElse(false)) {
        throw new IllegalStateException("taskset -a -p -c " + cpus + " " + each + " failed: " + out.trim());
      }
    }
  }

  /** The postmaster's pid, from the first line of {@code postmaster.pid} in its data directory. */
  static long postmaster(Path dataDir) throws IOException {
    return Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
  }

  /** {@code Cpus_allowed_list} of a process, or empty when it is gone. */
  static Optional<String> cpus(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
        if (line.startsWith("Cpus_allowed_list:")) {
          return Optional.of(line.substring(line.indexOf(':') + 1).trim());
        }
      }
    } catch (IOException e) {
      // gone
    }
    return Optional.empty();
  }

  /** The process and its live descendants, each with its mask. */
  static List<Seen> tree(String what, long pid) {
    List<Seen> seen = new ArrayList<>();
    cpus(pid).ifPresent(c -> seen.add(new Seen(what, pid, c)));
    ProcessHandle.of(pid).map(p -> p.descendants()).orElse(Stream.empty())
        .forEach(d -> cpus(d.pid()).ifPresent(c -> seen.add(new Seen(what + " child", d.pid(), c))));
    return seen;
  }

  /** Every process in {@code seen} whose mask is not {@code cpus}. */
  static List<Seen> wrong(List<Seen> seen, String cpus) {
    return seen.stream().filter(s -> !s.cpus().equals(cpus)).toList();
  }

  /** What the run found, one line per process; fails loudly when pinned and any process is elsewhere. */
  static String check(boolean pinned, List<Seen> servers, List<Seen> loaders) {
    StringBuilder lines = new StringBuilder();
    servers.forEach(s -> lines.append("- server: ").append(s).append('\n'));
    loaders.forEach(s -> lines.append("- loader: ").append(s).append('\n'));
    lines.toString().lines().forEach(l -> Bench.say("pinning " + l.substring(2)));
    if (pinned) {
      List<Seen> off = new ArrayList<>(wrong(servers, SERVERS));
      off.addAll(wrong(loaders, LOADERS));
      if (!off.isEmpty()) {
        throw new IllegalStateException("PINNING FAILED: servers must be on core " + SERVERS + " and loaders on core "
            + LOADERS + ", but " + off);
      }
    }
    return lines.toString();
  }
}
