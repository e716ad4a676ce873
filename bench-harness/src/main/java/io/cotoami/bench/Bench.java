package io.cotoami.bench;

import java.nio.file.Path;
import java.util.List;

/** What every item shares. */
final class Bench {
  private Bench() {
  }

  /**
   * @param home        the checkout (service jars under {@code <module>/target/})
   * @param work        logs and scratch files of this run
   * @param pin         servers on core 0 (taskset); the harness itself is pinned by bench/run.sh
   * @param javaOptions JVM options of every server process, ours and the references alike
   * @param smoke       tiny sizes (the mvn verify smoke test)
   */
  record Settings(Path home, Path work, boolean pin, List<String> javaOptions, boolean smoke) {
    List<String> serverPrefix() {
      return pin ? List.of("taskset", "-c", "0") : List.of();
    }

    Path jar(String module) {
      return home.resolve(module).resolve("target").resolve(module + ".jar");
    }

    /** How to run one of the harness's own servers (references, echo node) as a process. */
    List<String> harness(String... args) {
      List<String> launch = new java.util.ArrayList<>(List.of("-cp", System.getProperty("java.class.path"),
          BenchMain.class.getName()));
      launch.addAll(List.of(args));
      return launch;
    }
  }

  static void say(String line) {
    System.err.println("bench          | " + line);
    System.err.flush();
  }
}
