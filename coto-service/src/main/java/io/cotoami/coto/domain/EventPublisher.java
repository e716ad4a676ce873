package io.cotoami.coto.domain;

import io.cotoami.common.bus.BusHeaders;
import io.cotoami.coto.store.TimelineEvent;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;

/** Publishes committed changes on the cluster's event bus, one message per timeline event. */
public final class EventPublisher {
  private final Vertx vertx;
  private final Duration timeout;

  public EventPublisher(Vertx vertx, Duration timeout) {
    this.vertx = vertx;
    this.timeout = timeout;
  }

  /** Call only after the transaction that wrote the events has committed. */
  public void publish(List<TimelineEvent> events, String requestId) {
    for (TimelineEvent event : events) {
      vertx.eventBus().publish(event.type().address(), event.toMessage(),
          BusHeaders.withRequestId(requestId, timeout));
    }
  }
}
