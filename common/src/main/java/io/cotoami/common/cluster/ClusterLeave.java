package io.cotoami.common.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leaving the Hazelcast cluster at once: within {@link #SEEN_WITHIN} of being told to drain, the
 * other members no longer list this one (on a machine with time to spare for the hand-over).
 *
 * <p>While the instance drains, it hands its partitions to the other data members ({@link
 * #demote()}: it becomes a lite member), so that the leave has nothing to hand over and is a
 * goodbye. The hand-over is short because the cluster has few partitions ({@link
 * HazelcastConfigs#PARTITIONS}). Should it still be running after {@link #HAND_OVER_BUDGET} (the
 * others too busy to take the partitions), the leave does not wait for it any longer:
 * <ul>
 *   <li>When every partition this member owns is known to have its backup in sync elsewhere since
 *       the cluster last changed ({@link ClusterReadiness#backupsInSync()}), it stops at once (a
 *       terminate): the backups take over, as after a crash, and nothing is lost.</li>
 *   <li>Otherwise it shuts down gracefully, which finishes the hand-over, bounded by {@link
 *       #LONGEST}. Stopping then would lose every partition whose backup is not in sync yet, as
 *       none is moments after a member joined, in a rolling restart: tried so, all 271 partitions
 *       of the time were lost. There the promise gives way to the data.</li>
 * </ul>
 * A readiness rule makes the second case rare: a member that joined is not ready before its
 * partitions are in sync, so a rolling update stops the old member only after that. The leave
 * closes the member's connections; the master, refused twice on reconnecting ({@code
 * hazelcast.connection.monitor.*} in {@link HazelcastConfigs}), drops it from every member's list
 * within a few hundred milliseconds, instead of after the heartbeat timeout.
 *
 * <p>The leave goes through the Vert.x cluster manager, so that the Vert.x close that follows
 * finds the cluster already left, rather than failing to leave a stopped Hazelcast.
 */
public final class ClusterLeave {
  /** The promise: gone from the others' view this soon after {@link #demote()} (the SIGTERM). */
  public static final Duration SEEN_WITHIN = Duration.ofSeconds(1);
  /** How long the leave waits for the hand-over, from {@link #demote()}; the goodbye takes the rest. */
  public static final Duration HAND_OVER_BUDGET = Duration.ofMillis(500);
  /**
   * The bound on a leave whose hand-over overran its budget: the budget, Hazelcast's graceful
   * shutdown (which finishes the hand-over) and the goodbye. Still well under the heartbeat
   * timeout ({@link HazelcastConfigs#MAX_NO_HEARTBEAT}) a crash takes.
   */
  public static final Duration LONGEST =
      HAND_OVER_BUDGET.plus(HazelcastConfigs.GRACEFUL_SHUTDOWN_MAX_WAIT).plus(SEEN_WITHIN);
  private static final Logger LOG = LoggerFactory.getLogger(ClusterLeave.class);
  private final HazelcastClusterManager clusterManager;
  private final HazelcastInstance hazelcast;
  private final Duration handOverBudget;
  private final BooleanSupplier backupsInSync;
  private CompletableFuture<Void> demoted;
  private long demoteStarted;
  private volatile boolean leaving;

  /**
   * @param backupsInSync whether every partition this member owns has its backup in sync elsewhere
   *     (as {@link ClusterReadiness#backupsInSync()} knows it): asked when the hand-over overran
   */
  public ClusterLeave(HazelcastClusterManager clusterManager, BooleanSupplier backupsInSync) {
    this(clusterManager, HAND_OVER_BUDGET, backupsInSync);
  }

  /** With another budget for the hand-over: tests cut the wait short with zero. */
  ClusterLeave(HazelcastClusterManager clusterManager, Duration handOverBudget, BooleanSupplier backupsInSync) {
    this.clusterManager = clusterManager;
    this.hazelcast = clusterManager.getHazelcastInstance();
    this.handOverBudget = handOverBudget;
    this.backupsInSync = backupsInSync;
  }

  /**
   * Starts handing this member's partitions to the others, on a thread of its own (Hazelcast's
   * call blocks, for at most {@link HazelcastConfigs#DEMOTE_MAX_WAIT}). Does nothing when no
   * other data member could take them (then there is nothing to hand over). Idempotent.
   */
  public synchronized void demote() {
    if (demoted != null) {
      return;
    }
    demoteStarted = System.nanoTime();
    if (!otherDataMember()) {
      demoted = CompletableFuture.completedFuture(null);
      return;
    }
    demoted = CompletableFuture.runAsync(() -> {
      long start = System.nanoTime();
      try {
        hazelcast.getCluster().demoteLocalDataMember();
        LOG.info("Handed its partitions over (now a lite member) in {} ms", (System.nanoTime() - start) / 1_000_000);
      } catch (RuntimeException e) {
        if (leaving) {
          LOG.debug("Hand-over ended by the leave: {}", e.toString());
        } else if (e instanceof IllegalStateException) {
          // Hazelcast refuses when its partitions cannot be moved within the demote wait, as when
          // every member stops at once: the graceful leave then hands them over, or the last
          // member keeps them, as it must. Slower, never lossy, and expected: not a warning.
          LOG.info("Kept its partitions for the graceful leave (Hazelcast refused the hand-over: {})", e.getMessage());
        } else {
          LOG.warn("Could not hand its partitions over before leaving: {}", e.toString());
        }
      }
    }, runnable -> {
      Thread thread = new Thread(runnable, "cluster-demote");
      thread.setDaemon(true);
      thread.start();
    });
  }

  /**
   * Leaves the cluster; blocking (call it off the event loop). Waits for the hand-over begun by
   * {@link #demote()} until {@link #HAND_OVER_BUDGET} after it began, then shuts down gracefully,
   * or, when the hand-over overran and the backups are in sync, stops at once.
   *
   * @return whether the leave was quick: the hand-over (or the finding that there was nothing to
   *     hand over) finished within its budget, or it overran and the member stopped at once. Only
   *     then does the {@link #SEEN_WITHIN} promise hold; otherwise the graceful shutdown finishes
   *     the hand-over, bounded by {@link #LONGEST}
   */
  public boolean leave() {
    demote();
    long waitNanos = Math.max(0, demoteStarted + handOverBudget.toNanos() - System.nanoTime());
    boolean inBudget = true;
    try {
      demoted.get(waitNanos, TimeUnit.NANOSECONDS);
    } catch (Exception e) {
      inBudget = false;
    }
    leaving = true;
    if (!hazelcast.getLifecycleService().isRunning()) {
      return inBudget;
    }
    if (!inBudget && backupsInSync.getAsBoolean()) {
      LOG.info("Hand-over unfinished after {} ms, every partition it owns backed up in sync elsewhere: stopping at once"
          + " (the backups take over)", handOverBudget.toMillis());
      hazelcast.getLifecycleService().terminate();
      // The cluster manager's leave now only marks it left (it fails on the stopped Hazelcast, after
      // that), so that the Vert.x close that follows finds nothing to leave.
      Promise<Void> marked = Promise.promise();
      clusterManager.leave(marked);
      try {
        marked.future().toCompletionStage().toCompletableFuture().get(2, TimeUnit.SECONDS);
      } catch (Exception expected) {
        LOG.debug("The cluster manager's leave after the stop: {}", expected.toString());
      }
      return true;
    }
    if (!inBudget) {
      // Hazelcast's graceful shutdown below finishes the hand-over (for at most
      // hazelcast.graceful.shutdown.max.wait): never leave with partitions whose only copy is here.
      LOG.warn("Hand-over unfinished after {} ms and its backups not known in sync: leaving gracefully, which finishes it",
          handOverBudget.toMillis());
    }
    // Through the cluster manager: it shuts Hazelcast down gracefully (a lite member has nothing to
    // hand over, and the last data member nobody to hand it to, so Hazelcast answers at once), and
    // the Vert.x close that follows then finds the cluster left.
    Promise<Void> left = Promise.promise();
    clusterManager.leave(left);
    try {
      left.future().toCompletionStage().toCompletableFuture().get(HazelcastConfigs.GRACEFUL_SHUTDOWN_MAX_WAIT
          .toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      LOG.warn("Leaving the cluster did not finish cleanly: {}", e.toString());
    }
    return inBudget;
  }

  /**
   * Leaves the cluster ({@link #leave}), then closes Vert.x, on a thread of its own. Leaving first
   * makes the other members drop this one at once (closing Vert.x first would unregister every
   * consumer from the cluster, one remote call each, before the goodbye). Completes after both, or
   * after {@code timeout} whatever still hangs (the process exits anyway).
   */
  public Future<Void> close(Vertx vertx, Duration timeout, String threadName) {
    Promise<Void> closed = Promise.promise();
    long start = System.nanoTime();
    Thread thread = new Thread(() -> {
      try {
        leave();
        LOG.info("Left the cluster in {} ms", (System.nanoTime() - start) / 1_000_000);
      } catch (RuntimeException e) {
        LOG.warn("Leaving the cluster failed: {}", e.toString());
      }
      long left = Math.max(1000, timeout.toMillis() - (System.nanoTime() - start) / 1_000_000);
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(left, TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        LOG.warn("Closing did not finish within {}: {}", timeout, e.toString());
      }
      closed.tryComplete();
    }, threadName);
    thread.setDaemon(true);
    thread.start();
    CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
      if (closed.tryComplete()) {
        LOG.warn("Leaving the cluster and closing took over {}: going on without them", timeout);
      }
    });
    return closed.future();
  }

  private boolean otherDataMember() {
    try {
      Member self = hazelcast.getCluster().getLocalMember();
      return hazelcast.getCluster().getMembers().stream().anyMatch(m -> !m.localMember() && !m.isLiteMember()
          && !m.getUuid().equals(self.getUuid()));
    } catch (RuntimeException notRunning) {
      return false;
    }
  }
}
