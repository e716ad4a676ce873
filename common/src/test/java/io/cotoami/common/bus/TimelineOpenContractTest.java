package io.cotoami.common.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The body of {@code coto.timelines.open}, as the gateway writes it and coto-service reads it. */
class TimelineOpenContractTest {
  @Test
  @DisplayName("A signed-in and an anonymous request survive a trip through JSON, with the field names the other side reads")
  void roundTrip() {
    TimelineOpen person = TimelineOpen.signedIn("cotonoma:abc", 41L, "u-1", "ann@example.com");
    assertEquals(person, TimelineOpen.fromJson(new JsonObject(person.toJson().encode())));
    assertEquals(new JsonObject().put("timeline", "cotonoma:abc").put("after", 41L).put("userId", "u-1")
        .put("email", "ann@example.com"), person.toJson());
    TimelineOpen visitor = TimelineOpen.anonymous("home", null, "visitor-id");
    assertEquals(visitor, TimelineOpen.fromJson(new JsonObject(visitor.toJson().encode())));
    assertEquals("visitor-id", visitor.toJson().getString("anonymousId"));
    assertNull(visitor.toJson().getValue("userId"));
  }

  @Test
  @DisplayName("Fields of the wrong type, or no body, read as absent, for coto-service to refuse")
  void wrongTypesReadAsAbsent() {
    TimelineOpen read = TimelineOpen.fromJson(new JsonObject().put("timeline", 7).put("after", "x")
        .put("userId", 3).put("anonymousId", true));
    assertEquals(new TimelineOpen("", null, null, null, null), read);
    assertEquals(new TimelineOpen("", null, null, null, null), TimelineOpen.fromJson(null));
  }
}
