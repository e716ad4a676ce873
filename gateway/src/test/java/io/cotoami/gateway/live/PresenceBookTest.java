package io.cotoami.gateway.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PresenceBookTest {
  private static final String ROOM = "cotonoma:room";
  private static final long TTL = 3_000;

  private static JsonObject user(String id, String name) {
    return new JsonObject().put("userId", id).put("name", name).put("avatarUrl", "https://gravatar.com/avatar/" + id);
  }

  private static List<String> names(JsonObject viewers) {
    return viewers.getJsonArray("viewers").stream().map(JsonObject.class::cast).map(v -> v.getString("name")).toList();
  }

  @Test
  @DisplayName("A person on two sockets of one gateway and on another gateway is one viewer; the others' viewers come from their summaries")
  void distinctAcrossGateways() {
    PresenceBook a = new PresenceBook("a", TTL);
    PresenceBook b = new PresenceBook("b", TTL);
    a.join(ROOM, "s1", user("u1", "ann"));
    a.join(ROOM, "s2", user("u1", "ann"));
    b.join(ROOM, "s3", user("u1", "ann"));
    b.join(ROOM, "s4", user("u2", "bob"));

    assertEquals(1, a.summary(ROOM).count());
    assertTrue(a.heard(b.summary(ROOM), 0), "b's viewers are news to a");
    assertFalse(a.heard(b.summary(ROOM), 10), "the same summary again changes nothing");
    JsonObject viewers = a.viewers(ROOM);
    assertEquals(2, viewers.getInteger("count"));
    assertEquals(List.of("ann", "bob"), names(viewers));
    assertFalse(a.heard(a.summary(ROOM), 0), "its own summary, heard back from the bus, is ignored");
  }

  @Test
  @DisplayName("A gateway's viewers lapse when its summary is not renewed within the TTL, and an empty summary removes them at once")
  void lapseAndLeave() {
    PresenceBook a = new PresenceBook("a", TTL);
    PresenceBook b = new PresenceBook("b", TTL);
    a.join(ROOM, "s1", user("u1", "ann"));
    b.join(ROOM, "s2", user("u2", "bob"));
    a.heard(b.summary(ROOM), 1_000);

    assertEquals(Set.of(), a.lapse(3_999), "still within the TTL");
    a.heard(b.summary(ROOM), 3_500);
    assertEquals(Set.of(), a.lapse(6_000), "renewed at 3.5 s: good until 6.5 s");
    assertEquals(Set.of(ROOM), a.lapse(6_500), "not renewed: lapsed");
    assertEquals(List.of("ann"), names(a.viewers(ROOM)));

    a.heard(b.summary(ROOM), 7_000);
    b.leave(ROOM, "s2");
    PresenceSummary empty = b.summary(ROOM);
    assertEquals(0, empty.count());
    assertTrue(a.heard(empty, 7_100), "the last viewer left b");
    assertEquals(1, a.viewers(ROOM).getInteger("count"));
    assertEquals(Set.of(), b.timelines(), "b's sockets view nothing");
  }

  @Test
  @DisplayName("A crowded room lists the first 20 by name over every gateway, and counts exactly up to 1,000 viewers a gateway")
  void crowdedRoom() {
    PresenceBook a = new PresenceBook("a", TTL);
    PresenceBook b = new PresenceBook("b", TTL);
    IntStream.range(0, 30).forEach(i -> a.join(ROOM, "a" + i, user("a" + i, String.format("a-%02d", i))));
    IntStream.range(0, 30).forEach(i -> b.join(ROOM, "b" + i, user("b" + i, String.format("A-%02d", i))));
    assertEquals(PresenceBook.MAX_LISTED, b.summary(ROOM).listed().size(), "a summary lists only the first 20");
    a.heard(b.summary(ROOM), 0);
    JsonObject viewers = a.viewers(ROOM);
    assertEquals(60, viewers.getInteger("count"));
    assertEquals(IntStream.range(0, 20).mapToObj(i -> String.format("A-%02d", i)).toList(), names(viewers));

    PresenceBook big = new PresenceBook("big", TTL);
    IntStream.range(0, PresenceBook.MAX_IDS + 1).forEach(i -> big.join(ROOM, "x" + i, user("x" + i, "x" + i)));
    PresenceSummary summary = big.summary(ROOM);
    assertNull(summary.ids(), "past 1,000 viewers only the count travels");
    a.heard(summary, 0);
    assertEquals(60 + PresenceBook.MAX_IDS + 1, a.viewers(ROOM).getInteger("count"));
  }

  @Test
  @DisplayName("A summary survives the bus: what one gateway writes the other reads back equal, and a malformed one is refused")
  void summaryRoundTrip() {
    PresenceBook b = new PresenceBook("b", TTL);
    b.join(ROOM, "s", user("u2", "bob"));
    PresenceSummary summary = b.summary(ROOM);
    assertEquals(summary, PresenceSummary.fromJson(new JsonObject(summary.toJson().encode())));
    PresenceSummary big = new PresenceSummary("c", ROOM, List.of(), null, 5000);
    assertEquals(big, PresenceSummary.fromJson(new JsonObject(big.toJson().encode())));
    assertThrows(IllegalArgumentException.class, () -> PresenceSummary.fromJson(new JsonObject().put("source", "x")));
    assertThrows(IllegalArgumentException.class, () -> PresenceSummary.fromJson(
        summary.toJson().put("listed", new io.vertx.core.json.JsonArray().add("not a viewer"))));
  }
}
