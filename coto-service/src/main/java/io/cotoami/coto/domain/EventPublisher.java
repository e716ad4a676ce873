package io.cotoami.coto.domain;

import io.cotoami.common.bus.BusHeaders;
import io.cotoami.coto.store.Db;
import io.cotoami.coto.store.TimelineEvent;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/** Publishes committed changes on the cluster's event bus, one message per timeline event. */
public final class EventPublisher {
  private final Vertx vertx;
  private final Duration timeout;

  public EventPublisher(Vertx vertx, Duration timeout) {
    this.vertx = vertx;
    this.timeout = timeout;
  }

  /**
   * Runs {@code work} in one transaction and, only once it has committed, publishes the events it
   * wrote: a change rolled back is never seen live. Every signed-in write goes through here.
   */
  public <T> Future<T> commit(Db db, Function<SqlConnection, Future<Change<T>>> work, String requestId) {
    return db.tx(work).onSuccess(change -> publish(change.events(), requestId)).map(Change::value);
  }

  /** Publishes events already durable (anonymous ones, stored in Redis); signed-in writes use {@link #commit}. */
  public void publish(List<TimelineEvent> events, String requestId) {
    for (TimelineEvent event : events) {
      vertx.eventBus().publish(event.type().address(), event.toMessage(),
          BusHeaders.withRequestId(requestId, timeout));
    }
  }
}
