package io.cotoami.coto.store;

import io.cotoami.common.bus.TimelineEventType;
import io.vertx.core.json.JsonObject;

/**
 * A change as seen by one timeline, numbered there: event ids of a timeline start at 1 and grow by
 * one per change, in commit order.
 */
public record TimelineEvent(TimelineEventType type, String timeline, long eventId, JsonObject payload) {

  /** What is published on the bus: {@code {type, timeline, eventId, ...payload}}. */
  public JsonObject toMessage() {
    return new JsonObject().put("type", type.type()).put("timeline", timeline).put("eventId", eventId)
        .mergeIn(payload.copy());
  }
}
