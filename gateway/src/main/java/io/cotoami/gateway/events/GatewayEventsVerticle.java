package io.cotoami.gateway.events;

import io.cotoami.common.bus.TimelineEventType;
import io.cotoami.common.bus.BusHeaders;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives the domain events every gateway replica must see (each replica gets its own copy of a
 * published event) and counts them per type in {@code cotoami_gateway_events_received_total}.
 * The WebSocket fan-out to browsers is not here: {@code live.LiveSockets} subscribes itself.
 */
public final class GatewayEventsVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayEventsVerticle.class);
  private final Counter cotoPosted;

  public GatewayEventsVerticle(MeterRegistry registry) {
    this.cotoPosted = Counter.builder("cotoami.gateway.events.received")
        .description("Domain events received from the cluster")
        .tag("type", TimelineEventType.COTO_POSTED.type())
        .register(registry);
  }

  @Override
  public Future<?> start() {
    return vertx.eventBus().<JsonObject>consumer(TimelineEventType.COTO_POSTED.address(), message -> {
      cotoPosted.increment();
      LOG.atDebug().addKeyValue("requestId", BusHeaders.requestId(message))
          .log("coto-posted on {}", message.body().getString("timeline"));
    }).completion();
  }
}
