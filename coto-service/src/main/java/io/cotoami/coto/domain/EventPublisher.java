package io.cotoami.coto.domain;

import io.cotoami.common.bus.Addresses;
import io.cotoami.common.bus.BusHeaders;
import io.cotoami.coto.store.TimelineEvent;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Publishes committed changes on the cluster's event bus, one message per timeline event. */
public final class EventPublisher {
  static final Map<String, String> ADDRESSES = Map.of(
      "coto-posted", Addresses.COTO_POSTED,
      "coto-edited", Addresses.COTO_EDITED,
      "coto-deleted", Addresses.COTO_DELETED,
      "cotonoma-created", Addresses.COTONOMA_CREATED,
      "cotonoma-renamed", Addresses.COTONOMA_RENAMED,
      "cotonoma-deleted", Addresses.COTONOMA_DELETED,
      "member-added", Addresses.MEMBER_ADDED,
      "member-removed", Addresses.MEMBER_REMOVED);

  private final Vertx vertx;
  private final Duration timeout;

  public EventPublisher(Vertx vertx, Duration timeout) {
    this.vertx = vertx;
    this.timeout = timeout;
  }

  /** Call only after the transaction that wrote the events has committed. */
  public void publish(List<TimelineEvent> events, String requestId) {
    for (TimelineEvent event : events) {
      vertx.eventBus().publish(ADDRESSES.get(event.type()), event.toMessage(),
          BusHeaders.withRequestId(requestId, timeout));
    }
  }
}
