package io.cotoami.common.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The reply of {@link Addresses#TIMELINES_OPEN} ({@link TimelineOpen}): the timeline's name on
 * the bus, the events the client missed (each as live clients receive it), whether the client must
 * refetch instead ({@code resync}: too much was missed, or the ids are from another history), and
 * the timeline's latest event id, where its live events go on (null for anonymous timelines, which
 * keep no history).
 */
public record TimelineOpened(String timeline, List<JsonObject> events, boolean resync, Long lastEventId) {

  public TimelineOpened {
    events = List.copyOf(events);
  }

  /** Nothing missed: live events go on after {@code lastEventId}. */
  public static TimelineOpened current(String timeline, Long lastEventId) {
    return new TimelineOpened(timeline, List.of(), false, lastEventId);
  }

  /** The client refetches; live events go on after {@code lastEventId}. */
  public static TimelineOpened refetch(String timeline, Long lastEventId) {
    return new TimelineOpened(timeline, List.of(), true, lastEventId);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("timeline", timeline).put("events", new JsonArray(new ArrayList<>(events)))
        .put("resync", resync);
    return lastEventId == null ? json : json.put("lastEventId", lastEventId);
  }

  /**
   * Reads a reply as sent. A reply without a timeline, or with events that are not objects, is
   * not one: it fails, and the subscription is refused rather than shown a partial history.
   */
  public static TimelineOpened fromJson(JsonObject json) {
    if (json == null || !(json.getValue("timeline") instanceof String timeline)) {
      throw new IllegalArgumentException("a timeline-open reply names its timeline");
    }
    List<JsonObject> events = new ArrayList<>();
    Object listed = json.getValue("events");
    if (listed instanceof JsonArray array) {
      for (Object event : array) {
        if (!(event instanceof JsonObject object)) {
          throw new IllegalArgumentException("a missed event is an object");
        }
        events.add(object);
      }
    }
    return new TimelineOpened(timeline, events, Boolean.TRUE.equals(json.getValue("resync")),
        json.getValue("lastEventId") instanceof Number n ? n.longValue() : null);
  }
}
