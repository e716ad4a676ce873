package io.cotoami.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The embedded PostgreSQL daemonises, so pinning the harness's children missed it (issue 17): the stack
 * must pin it where the kernel says so, and the run's check must refuse a process on the wrong core.
 */
class PinningTest {
  @Test
  @DisplayName("A pinned stack puts PostgreSQL's postmaster, every process of it and Redis on core 0, as /proc/<pid>/status says")
  void postgresIsPinned() throws Exception {
    Bench.Settings settings = BenchMain.settings(Files.createTempDirectory("cotoami-pin-"), true, true);
    try (Stack stack = new Stack(settings, false)) {
      long postmaster = Pinning.postmaster(stack.postgres.dataDir());
      assertFalse(ProcessHandle.current().descendants().anyMatch(p -> p.pid() == postmaster),
          "precondition: the postmaster is no child of ours (it daemonised)");
      List<Pinning.Seen> postgres = Pinning.tree("postgres", postmaster);
      assertTrue(postgres.size() > 1, "the postmaster and its processes: " + postgres);
      assertEquals(List.of(), Pinning.wrong(postgres, Pinning.SERVERS), "all of PostgreSQL on core 0");
      List<Pinning.Seen> children = ProcessHandle.current().children()
          .flatMap(c -> Pinning.tree("child", c.pid()).stream()).toList();
      assertTrue(!children.isEmpty(), "Redis runs as a child");
      assertEquals(List.of(), Pinning.wrong(children, Pinning.SERVERS), "Redis on core 0");
    }
  }

  @Test
  @DisplayName("The run's check fails loudly when a server or the loader is not where the pinning says")
  void checkRefusesTheWrongCore() {
    Pinning.Seen onBoth = new Pinning.Seen("postgres", 1, "0,1");
    Pinning.Seen server = new Pinning.Seen("gateway", 2, "0");
    Pinning.Seen loader = new Pinning.Seen("harness", 3, "1");
    IllegalStateException failed = assertThrows(IllegalStateException.class,
        () -> Pinning.check(true, List.of(server, onBoth), List.of(loader)));
    assertTrue(failed.getMessage().contains("postgres (pid 1): Cpus_allowed_list 0,1"), failed.getMessage());
    assertThrows(IllegalStateException.class, () -> Pinning.check(true, List.of(server), List.of(server)));
    assertTrue(Pinning.check(true, List.of(server), List.of(loader)).contains("gateway (pid 2): Cpus_allowed_list 0"));
    assertTrue(Pinning.check(false, List.of(onBoth), List.of(loader)).contains("0,1"), "unpinned: only printed");
  }
}
