package io.cotoami.common.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TimelineNameTest {

  @Test
  @DisplayName("'home' and 'cotonoma:<key>' parse, and print back as the client sent them")
  void namesRoundTrip() {
    assertEquals(Optional.of(TimelineName.HOME), TimelineName.parse("home"));
    TimelineName room = TimelineName.parse("cotonoma:Ab_9-x").orElseThrow();
    assertEquals("Ab_9-x", room.cotonomaKey());
    assertEquals("cotonoma:Ab_9-x", room.toString());
    assertEquals("home", TimelineName.HOME.toString());
  }

  @Test
  @DisplayName("Anything else is no timeline: another user's home, a bus name, an empty or over-long key, a key with a slash")
  void otherNamesAreRefused() {
    for (String text : new String[] {null, "", "Home", "home:123", "anonymous:abc", "cotonoma:", "cotonoma:a/b",
        "cotonoma:a b", "cotonoma:" + "k".repeat(65), "cotonomas:abc"}) {
      assertTrue(TimelineName.parse(text).isEmpty(), text);
    }
    assertTrue(TimelineName.parse("cotonoma:" + "k".repeat(64)).isPresent());
  }

  @Test
  @DisplayName("The bus name: a user's own home, a visitor's hashed home, a cotonoma for users only")
  void busNames() {
    String visitor = TimelineNames.anonymous("visitor-id");
    assertEquals(Optional.of("home:u1"), TimelineName.HOME.busName("u1", visitor));
    assertEquals(Optional.of(visitor), TimelineName.HOME.busName(null, visitor));
    assertEquals(Optional.empty(), TimelineName.HOME.busName(null, null));
    TimelineName room = TimelineName.parse("cotonoma:k1").orElseThrow();
    assertEquals(Optional.of("cotonoma:k1"), room.busName("u1", null));
    assertEquals(Optional.empty(), room.busName(null, visitor), "visitors follow only their own home");
    assertTrue(TimelineNames.isAnonymous(visitor));
    assertTrue(!TimelineNames.isAnonymous("home:u1"));
  }
}
