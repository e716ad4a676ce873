package io.cotoami.gateway.registry;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import io.cotoami.common.bus.Addresses;
import io.cotoami.common.registry.InstanceAnnouncer;
import io.cotoami.common.registry.InstanceInfo;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's live table of service instances, learned from their announcements over the
 * cluster. Every gateway replica builds its own from the same announcements, so none holds state
 * that the others lack. An instance is dropped when it says goodbye, when its cluster member
 * leaves or dies, when it misses heartbeats, or when connecting to it fails (until it announces
 * itself again).
 */
public final class InstanceRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(InstanceRegistry.class);

  private record Entry(InstanceInfo info, long lastSeenNanos) {
  }

  private final Vertx vertx;
  private final HazelcastClusterManager clusterManager;
  private final Duration expireAfter;
  private final Map<String, Entry> instances = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> cursors = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> outstanding = new ConcurrentHashMap<>();

  public InstanceRegistry(Vertx vertx, HazelcastClusterManager clusterManager) {
    this.vertx = vertx;
    this.clusterManager = clusterManager;
    this.expireAfter = InstanceAnnouncer.HEARTBEAT.multipliedBy(InstanceAnnouncer.MISSED_HEARTBEATS_TO_EXPIRE);
  }

  public Future<Void> start() {
    clusterManager.getHazelcastInstance().getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        dropNode(event.getMember().getUuid().toString());
      }
    });
    vertx.setPeriodic(1000, id -> expire());
    return Future.all(
            vertx.eventBus().<JsonObject>consumer(Addresses.INSTANCE_ANNOUNCED, m -> upsert(InstanceInfo.fromJson(m.body())))
                .completion(),
            vertx.eventBus().<JsonObject>consumer(Addresses.INSTANCE_LEFT, m -> drop(InstanceInfo.fromJson(m.body()), "left"))
                .completion())
        .onSuccess(v -> vertx.eventBus().publish(Addresses.INSTANCES_QUERY, new JsonObject()))
        .mapEmpty();
  }

  /**
   * The ready instance of a service with the fewest requests in flight from this gateway (round
   * robin among equals), other than those in {@code excluded}; empty when there is none.
   */
  public Optional<InstanceInfo> leastLoaded(String service, Set<String> excluded) {
    List<InstanceInfo> ready = ready(service);
    ready.removeIf(info -> excluded.contains(info.instanceId()));
    if (ready.isEmpty()) {
      return Optional.empty();
    }
    int start = Math.floorMod(cursors.computeIfAbsent(service, s -> new AtomicInteger()).getAndIncrement(), ready.size());
    InstanceInfo best = null;
    int bestLoad = Integer.MAX_VALUE;
    for (int i = 0; i < ready.size(); i++) {
      InstanceInfo candidate = ready.get((start + i) % ready.size());
      int load = outstanding(candidate.instanceId()).get();
      if (load < bestLoad) {
        best = candidate;
        bestLoad = load;
      }
    }
    return Optional.ofNullable(best);
  }

  /** Requests this gateway has in flight to an instance (the proxy counts them). */
  public AtomicInteger outstanding(String instanceId) {
    return outstanding.computeIfAbsent(instanceId, id -> new AtomicInteger());
  }

  /** Ready instances of a service, in a stable order. */
  public List<InstanceInfo> ready(String service) {
    return instances.values().stream()
        .map(Entry::info)
        .filter(info -> info.service().equals(service) && info.ready())
        .sorted(Comparator.comparing(InstanceInfo::instanceId))
        .collect(Collectors.toList());
  }

  /** Every known instance, for the gateway's own status page and tests. */
  public List<InstanceInfo> all() {
    return instances.values().stream().map(Entry::info)
        .sorted(Comparator.comparing(InstanceInfo::service).thenComparing(InstanceInfo::instanceId))
        .collect(Collectors.toList());
  }

  /** Connecting to it failed: stop routing there until it announces itself again. */
  public void unreachable(InstanceInfo info) {
    drop(info, "unreachable");
  }

  /** An announcement: adds or refreshes the instance (package-private for the unit test). */
  void upsert(InstanceInfo info) {
    Entry previous = instances.put(info.instanceId(), new Entry(info, System.nanoTime()));
    if (previous == null || previous.info().state() != info.state()) {
      LOG.info("Instance {} of {} at {}:{} is {}", info.instanceId(), info.service(), info.host(), info.port(),
          info.state());
    }
  }

  private void drop(InstanceInfo info, String why) {
    if (instances.remove(info.instanceId()) != null) {
      outstanding.remove(info.instanceId());
      LOG.info("Instance {} of {} dropped: {}", info.instanceId(), info.service(), why);
    }
  }

  private void dropNode(String nodeId) {
    instances.values().stream()
        .filter(entry -> nodeId.equals(entry.info().nodeId()))
        .forEach(entry -> drop(entry.info(), "its cluster member left"));
  }

  private void expire() {
    long now = System.nanoTime();
    instances.values().stream()
        .filter(entry -> now - entry.lastSeenNanos() > expireAfter.toNanos())
        .forEach(entry -> drop(entry.info(), "missed heartbeats"));
  }
}
