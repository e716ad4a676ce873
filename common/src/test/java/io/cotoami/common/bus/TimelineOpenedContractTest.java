package io.cotoami.common.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The reply of {@code coto.timelines.open}, as coto-service writes it and the gateway reads it. */
class TimelineOpenedContractTest {
  @Test
  @DisplayName("A reply with missed events, a resync and an anonymous one survive a trip through JSON, with the field names the other side reads")
  void roundTrip() {
    TimelineOpened missed = new TimelineOpened("cotonoma:abc", List.of(new JsonObject().put("eventId", 42)), false, 42L);
    assertEquals(missed, TimelineOpened.fromJson(new JsonObject(missed.toJson().encode())));
    assertEquals(new JsonObject().put("timeline", "cotonoma:abc")
        .put("events", new JsonArray().add(new JsonObject().put("eventId", 42))).put("resync", false)
        .put("lastEventId", 42L), missed.toJson());
    TimelineOpened refetch = TimelineOpened.refetch("home:u-1", 7L);
    assertEquals(refetch, TimelineOpened.fromJson(new JsonObject(refetch.toJson().encode())));
    assertTrue(refetch.toJson().getBoolean("resync"));
    TimelineOpened visitor = TimelineOpened.current("anonymous:abc", null);
    assertEquals(visitor, TimelineOpened.fromJson(new JsonObject(visitor.toJson().encode())));
    assertFalse(visitor.toJson().containsKey("lastEventId"), "anonymous timelines keep no ids");
  }

  @Test
  @DisplayName("A reply without its timeline, or with an event that is not an object, is refused; a missing flag or id reads as false and none")
  void malformedRepliesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> TimelineOpened.fromJson(new JsonObject().put("events", new JsonArray())));
    assertThrows(IllegalArgumentException.class, () -> TimelineOpened.fromJson(null));
    assertThrows(IllegalArgumentException.class, () -> TimelineOpened.fromJson(new JsonObject().put("timeline", "home:u")
        .put("events", new JsonArray().add("not an event"))));
    TimelineOpened bare = TimelineOpened.fromJson(new JsonObject().put("timeline", "home:u").put("lastEventId", "x"));
    assertFalse(bare.resync());
    assertNull(bare.lastEventId());
    assertTrue(bare.events().isEmpty());
  }
}
