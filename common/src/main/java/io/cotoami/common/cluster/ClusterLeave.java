package io.cotoami.common.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leaving the Hazelcast cluster at once, within a bound. While the instance drains, it hands its
 * partitions to the other data members ({@link #demote()}: it becomes a lite member), so that
 * the leave itself has nothing to hand over. The leave then closes the member's connections; the
 * master, refused twice on reconnecting ({@code hazelcast.connection.monitor.*} in
 * {@link HazelcastConfigs}), drops it from every member's list within a few hundred
 * milliseconds, instead of after the 8 s heartbeat timeout.
 */
public final class ClusterLeave {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterLeave.class);
  private final HazelcastInstance hazelcast;
  private CompletableFuture<Void> demoted;

  public ClusterLeave(HazelcastInstance hazelcast) {
    this.hazelcast = hazelcast;
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
        LOG.warn("Could not hand its partitions over before leaving: {}", e.toString());
      }
    }, runnable -> {
      Thread thread = new Thread(runnable, "cluster-demote");
      thread.setDaemon(true);
      thread.start();
    });
  }

  /**
   * Leaves the cluster; blocking (call it off the event loop). Waits at most {@code budget} for the
   * hand-over begun by {@link #demote()}, then shuts Hazelcast down.
   */
  public void leave(Duration budget) {
    long deadline = System.nanoTime() + budget.toNanos();
    demote();
    try {
      demoted.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (Exception e) {
      LOG.warn("Leaving before the hand-over finished: {}", e.toString());
    }
    if (!hazelcast.getLifecycleService().isRunning()) {
      return;
    }
    // Graceful: a lite member has nothing to hand over, and the last data member nobody to hand
    // it to (Hazelcast answers its shutdown request at once); otherwise at most
    // hazelcast.graceful.shutdown.max.wait.
    hazelcast.getLifecycleService().shutdown();
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
        leave(HazelcastConfigs.DEMOTE_MAX_WAIT);
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
