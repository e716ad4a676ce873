package io.cotoami.common.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this instance is in the cluster it should be in. It is not ready when:
 * <ul>
 *   <li>it is no longer a member (it left, or Hazelcast shut down);</li>
 *   <li>the cluster has fewer members than {@code CLUSTER_MIN_MEMBERS};</li>
 *   <li>it is alone after having had peers (they were lost, or we were cut off from them);</li>
 *   <li>it was paused (a GC pause, SIGSTOP, a stalled VM) long enough for the others to have
 *       dropped it, until Hazelcast has had time to notice ({@link #SETTLE});</li>
 *   <li>it is merging into another cluster, or has merged and its catch-up tasks (see
 *       {@link #afterMerge}) have not all succeeded yet;</li>
 *   <li>it joined (or merged) and the partitions it owns are not in sync yet: their backups are
 *       still being copied ({@link #inSync}), for at most {@link #SYNC_MAX_WAIT}. A rolling
 *       update then stops the old instance only once the new one holds its share, so that the old
 *       one's hand-over at SIGTERM is short.</li>
 * </ul>
 * The state is fed by Hazelcast's membership and lifecycle events and by a tick on the event
 * loop; {@link #problem()} is what the {@code cluster} readiness check reports.
 *
 * <p>It also knows whether every partition this member owns has a backup in sync elsewhere since
 * the cluster last changed ({@link #backupsInSync()}): then a leave that cannot wait for its
 * hand-over may stop at once and lose nothing ({@link ClusterLeave}).
 */
public final class ClusterReadiness {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterReadiness.class);
  /** Ticks this far apart mean we were not running: peers may have dropped us. */
  public static final Duration PAUSE = Duration.ofSeconds(3);
  /** After a pause, how long until Hazelcast has compared heartbeats and shown what is left. */
  public static final Duration SETTLE = Duration.ofSeconds(3);
  static final Duration TICK = Duration.ofMillis(250);
  /** Past this after a join or merge the instance is ready even if its partitions never settled (a churning cluster). */
  public static final Duration SYNC_MAX_WAIT = Duration.ofSeconds(30);

  private final int minMembers;
  private final LongSupplier clock;
  private final BooleanSupplier active;
  private final Map<String, Supplier<Future<?>>> afterMerge = new LinkedHashMap<>();
  private int members;
  private int peak;
  private boolean merging;
  private long mergeGeneration;
  private long caughtUpGeneration;
  private long lastTick;
  private long unsettledUntil;
  /** While not 0: the partitions are being synced since then (clock millis). */
  private long syncingSince;
  /** Changes of the cluster seen: a member came or went, or a merge. */
  private long changes;
  /** The latest change after which Hazelcast said this member's partitions were in sync; -1: none yet. */
  private long syncedChange = -1;

  ClusterReadiness(int minMembers, int members, LongSupplier clock, BooleanSupplier active) {
    this.minMembers = minMembers;
    this.clock = clock;
    this.active = active;
    this.members = members;
    this.peak = members;
    this.lastTick = clock.getAsLong();
  }

  /** Follows the cluster of {@code clusterManager}, ticking on {@code vertx}. */
  public static ClusterReadiness install(Vertx vertx, HazelcastClusterManager clusterManager, int minMembers) {
    HazelcastInstance hazelcast = clusterManager.getHazelcastInstance();
    ClusterReadiness readiness = new ClusterReadiness(minMembers, hazelcast.getCluster().getMembers().size(),
        System::currentTimeMillis, clusterManager::isActive);
    hazelcast.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        readiness.members(event.getMembers().size());
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        readiness.members(event.getMembers().size());
      }
    });
    hazelcast.getLifecycleService().addLifecycleListener(event -> {
      if (event.getState() == LifecycleEvent.LifecycleState.MERGING) {
        readiness.merging();
      } else if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
        readiness.members(hazelcast.getCluster().getMembers().size());
        long generation = readiness.merged();
        vertx.runOnContext(v -> readiness.catchUp(vertx, generation));
      }
    });
    vertx.setPeriodic(TICK.toMillis(), id -> readiness.tick());
    readiness.syncing();
    readiness.followSync(vertx, () -> hazelcast.getPartitionService().isLocalMemberSafe());
    return readiness;
  }

  /**
   * Asks, on a worker thread and one question at a time (Hazelcast's answer may wait on replica
   * checks), whether this member's partitions are in sync: at once, then every tick while that is
   * not known since the latest change of the cluster ({@link #unknownSync()}).
   */
  private void followSync(Vertx vertx, BooleanSupplier localMemberSafe) {
    java.util.concurrent.atomic.AtomicBoolean asking = new java.util.concurrent.atomic.AtomicBoolean();
    Runnable ask = () -> {
      if (!unknownSync() || !asking.compareAndSet(false, true)) {
        return;
      }
      long asked = changes();
      vertx.executeBlocking(localMemberSafe::getAsBoolean, false).onComplete(ar -> {
        asking.set(false);
        if (ar.succeeded() && ar.result()) {
          inSync(asked);
        }
      });
    };
    ask.run();
    vertx.setPeriodic(TICK.toMillis(), id -> ask.run());
  }

  /** A task that must succeed after every merge before the instance is ready again (e.g. reload a list it follows by events). */
  public synchronized void afterMerge(String name, Supplier<Future<?>> task) {
    afterMerge.put(name, task);
  }

  /** Why this instance is not ready, or null when it is. */
  public synchronized String problem() {
    if (!active.getAsBoolean()) {
      return "not a member of the cluster";
    }
    if (merging) {
      return "merging into another cluster";
    }
    if (caughtUpGeneration < mergeGeneration) {
      return "catching up after a merge";
    }
    long now = clock.getAsLong();
    if (syncingSince != 0) {
      if (now - syncingSince < SYNC_MAX_WAIT.toMillis()) {
        return "its partitions are not in sync yet (joined moments ago)";
      }
      LOG.warn("This member's partitions were not in sync {} after it joined: ready anyway", SYNC_MAX_WAIT);
      syncingSince = 0;
    }
    if (now - lastTick > PAUSE.toMillis()) {
      // The ticker has not run since the pause yet: this check is the first to notice.
      unsettledUntil = Math.max(unsettledUntil, now + SETTLE.toMillis());
    }
    if (now < unsettledUntil) {
      return "was paused; waiting to see which members are left";
    }
    if (members < minMembers) {
      return members + " member(s) in the cluster, expected at least " + minMembers;
    }
    if (members == 1 && peak > 1) {
      return "alone: lost every peer it had";
    }
    return null;
  }

  synchronized void members(int count) {
    changes++;
    members = count;
    peak = Math.max(peak, count);
  }

  synchronized void merging() {
    merging = true;
  }

  /** Returns the generation of this merge; it is caught up when {@link #caughtUp(long)} gets it. */
  synchronized long merged() {
    changes++;
    merging = false;
    syncing();
    return ++mergeGeneration;
  }

  /** Its partitions are (again) being synced: not ready until {@link #inSync(long)}, or {@link #SYNC_MAX_WAIT}. */
  synchronized void syncing() {
    syncingSince = Math.max(1, clock.getAsLong());
  }

  /** Whether it still waits for its partitions. */
  synchronized boolean syncingNow() {
    return syncingSince != 0;
  }

  /** Hazelcast said the partitions were in sync, asked when {@link #changes()} was {@code asked}. */
  synchronized void inSync(long asked) {
    syncingSince = 0;
    syncedChange = Math.max(syncedChange, asked);
  }

  /** The count of cluster changes seen, to stamp a question about the sync with. */
  synchronized long changes() {
    return changes;
  }

  /** Whether to ask Hazelcast (again) whether the partitions are in sync. */
  synchronized boolean unknownSync() {
    return syncingSince != 0 || syncedChange != changes;
  }

  /**
   * Whether every partition this member owns had its backups in sync when last asked, and the
   * cluster has not changed since: a member that stops now loses nothing, the backups take over.
   */
  public synchronized boolean backupsInSync() {
    return syncedChange == changes;
  }

  synchronized void caughtUp(long generation) {
    caughtUpGeneration = Math.max(caughtUpGeneration, generation);
  }

  synchronized void tick() {
    long now = clock.getAsLong();
    if (now - lastTick > PAUSE.toMillis()) {
      LOG.warn("This instance was paused for {} ms: not ready until its cluster membership settles", now - lastTick);
      unsettledUntil = now + SETTLE.toMillis();
    }
    lastTick = now;
  }

  /** Runs every catch-up task; retries each second until all succeed or a newer merge takes over. */
  void catchUp(Vertx vertx, long generation) {
    List<Future<?>> runs = new ArrayList<>();
    synchronized (this) {
      if (generation != mergeGeneration) {
        return;
      }
      afterMerge.forEach((name, task) -> runs.add(task.get()
          .onFailure(e -> LOG.warn("Catch-up '{}' after a merge failed: {}", name, e.toString()))));
    }
    Future.all(runs).onComplete(ar -> {
      if (ar.succeeded()) {
        LOG.info("Caught up after a cluster merge ({} task(s))", runs.size());
        caughtUp(generation);
      } else {
        vertx.setTimer(1000, id -> catchUp(vertx, generation));
      }
    });
  }
}
