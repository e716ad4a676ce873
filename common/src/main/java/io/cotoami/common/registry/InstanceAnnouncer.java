package io.cotoami.common.registry;

import io.cotoami.common.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Duration;

/**
 * Announces this instance on the cluster: at start, on every heartbeat, when asked by a newcomer,
 * when it starts draining, and once more when it leaves. Gateways build their routing table from these.
 */
public final class InstanceAnnouncer {
  /** Gateways forget an instance that missed this many heartbeats. */
  public static final int MISSED_HEARTBEATS_TO_EXPIRE = 3;
  /** How often an instance announces itself. */
  public static final Duration HEARTBEAT = Duration.ofSeconds(2);

  private final Vertx vertx;
  private volatile InstanceInfo info;
  private long timerId = -1;
  private MessageConsumer<Object> queries;

  public InstanceAnnouncer(Vertx vertx, InstanceInfo info) {
    this.vertx = vertx;
    this.info = info;
  }

  public Future<Void> start() {
    queries = vertx.eventBus().consumer(Addresses.INSTANCES_QUERY, message -> announce());
    timerId = vertx.setPeriodic(HEARTBEAT.toMillis(), id -> announce());
    return queries.completion().onSuccess(v -> announce());
  }

  public InstanceInfo info() {
    return info;
  }

  public void draining() {
    info = info.withState(InstanceInfo.State.DRAINING);
    announce();
  }

  /** Says goodbye and stops announcing. */
  public Future<Void> stop() {
    vertx.cancelTimer(timerId);
    vertx.eventBus().publish(Addresses.INSTANCE_LEFT, info.toJson());
    return queries == null ? Future.succeededFuture() : queries.unregister();
  }

  private void announce() {
    vertx.eventBus().publish(Addresses.INSTANCE_ANNOUNCED, info.toJson());
  }
}
