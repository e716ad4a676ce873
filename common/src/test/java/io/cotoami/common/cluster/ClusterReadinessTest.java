package io.cotoami.common.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ClusterReadinessTest {
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final AtomicBoolean active = new AtomicBoolean(true);

  private ClusterReadiness readiness(int minMembers, int members) {
    return new ClusterReadiness(minMembers, members, now::get, active::get);
  }

  @Test
  @DisplayName("An instance that never had peers is ready alone: a single process on a laptop or in a test")
  void aloneFromTheStart() {
    assertNull(readiness(1, 1).problem());
  }

  @Test
  @DisplayName("An instance that had peers and lost them all is not ready until one is back")
  void lostItsPeers() {
    ClusterReadiness readiness = readiness(1, 1);
    readiness.members(3);
    assertNull(readiness.problem());
    readiness.members(1);
    assertEquals("alone: lost every peer it had", readiness.problem());
    readiness.members(2);
    assertNull(readiness.problem());
  }

  @Test
  @DisplayName("Fewer members than CLUSTER_MIN_MEMBERS is not ready, more is")
  void minimumMembers() {
    ClusterReadiness readiness = readiness(3, 2);
    assertEquals("2 member(s) in the cluster, expected at least 3", readiness.problem());
    readiness.members(3);
    assertNull(readiness.problem());
  }

  @Test
  @DisplayName("An instance that left the cluster is not ready")
  void notAMember() {
    ClusterReadiness readiness = readiness(1, 2);
    active.set(false);
    assertEquals("not a member of the cluster", readiness.problem());
  }

  @Test
  @DisplayName("A pause longer than PAUSE makes the instance not ready for SETTLE, even before its ticker has run again")
  void pause() {
    ClusterReadiness readiness = readiness(1, 2);
    readiness.tick();
    now.addAndGet(ClusterReadiness.PAUSE.toMillis() - 1);
    readiness.tick();
    assertNull(readiness.problem(), "a short gap is not a pause");
    now.addAndGet(ClusterReadiness.PAUSE.toMillis() + 1000);
    assertTrue(readiness.problem().startsWith("was paused"), "seen by the first readiness check after the pause");
    readiness.tick();
    now.addAndGet(ClusterReadiness.SETTLE.toMillis() - 100);
    readiness.tick();
    assertTrue(readiness.problem().startsWith("was paused"));
    now.addAndGet(200);
    readiness.tick();
    assertNull(readiness.problem());
  }

  @Test
  @DisplayName("While merging and until the catch-up of that merge is done the instance is not ready; an older catch-up does not count")
  void merge() {
    ClusterReadiness readiness = readiness(1, 2);
    readiness.merging();
    assertEquals("merging into another cluster", readiness.problem());
    long first = readiness.merged();
    assertEquals("catching up after a merge", readiness.problem());
    readiness.merging();
    long second = readiness.merged();
    readiness.caughtUp(first);
    assertEquals("catching up after a merge", readiness.problem());
    readiness.caughtUp(second);
    assertEquals("its partitions are not in sync yet (joined moments ago)", readiness.problem(),
        "a merged member takes its share of the partitions again");
    readiness.inSync(readiness.changes());
    assertNull(readiness.problem());
  }

  @Test
  @DisplayName("A member that joined is not ready until its partitions are in sync, and ready anyway after 30 s of a cluster that never settles")
  void joining() {
    ClusterReadiness readiness = readiness(1, 2);
    readiness.syncing();
    assertEquals("its partitions are not in sync yet (joined moments ago)", readiness.problem());
    readiness.inSync(readiness.changes());
    assertNull(readiness.problem());

    readiness.syncing();
    for (long waited = 250; waited < ClusterReadiness.SYNC_MAX_WAIT.toMillis(); waited += 250) {
      now.addAndGet(250);
      readiness.tick();
      assertEquals("its partitions are not in sync yet (joined moments ago)", readiness.problem(), waited + " ms");
    }
    now.addAndGet(250);
    readiness.tick();
    assertNull(readiness.problem());
    assertTrue(!readiness.syncingNow(), "it stopped waiting");
  }

  @Test
  @DisplayName("The backups are known in sync only from an answer asked after the latest change of the cluster: a member that came or went, or a merge, makes it unknown again")
  void backupsInSync() {
    ClusterReadiness readiness = readiness(1, 2);
    assertFalse(readiness.backupsInSync(), "never asked");
    assertTrue(readiness.unknownSync());
    readiness.inSync(readiness.changes());
    assertTrue(readiness.backupsInSync());
    assertFalse(readiness.unknownSync(), "nothing to ask while nothing changes");

    long asked = readiness.changes();
    readiness.members(3);
    readiness.inSync(asked);
    assertFalse(readiness.backupsInSync(), "asked before a member came: the answer is old");
    assertTrue(readiness.unknownSync());
    readiness.inSync(readiness.changes());
    assertTrue(readiness.backupsInSync());

    readiness.members(2);
    assertFalse(readiness.backupsInSync(), "a member went: its backups are being copied again");
    readiness.inSync(readiness.changes());
    readiness.merging();
    readiness.merged();
    assertFalse(readiness.backupsInSync(), "merged");
  }
}
