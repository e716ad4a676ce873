package io.cotoami.gateway.live;

import io.cotoami.common.bus.TimelineOpened;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cotoami.common.bus.TimelineName;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The live core's ordering, dedup, gap wait and resync, with a fake client and a clock the test turns. */
class SubscriptionTest {
  private static final TimelineName ROOM = TimelineName.parse("cotonoma:room").orElseThrow();
  private final FakeSubscriber client = new FakeSubscriber(true);

  private Subscription subscribed(Long last, long lastEventId, long... missed) {
    Subscription subscription = new Subscription(client, ROOM, "cotonoma:room", last);
    subscription.open(true);
    answer(false, lastEventId, missed);
    return subscription;
  }

  /** coto-service's answer to the open the client is waiting on: the missed events, or resync. */
  private void answer(boolean resync, long lastEventId, long... missed) {
    List<JsonObject> events = LongStream.of(missed).mapToObj(SubscriptionTest::event).toList();
    client.nextOpen().reply().complete(new TimelineOpened("cotonoma:room", events, resync, lastEventId));
  }

  private static JsonObject event(long id) {
    return new JsonObject().put("type", "coto-posted").put("timeline", "cotonoma:room").put("eventId", id);
  }

  @Test
  @DisplayName("A fresh subscription starts at the timeline's latest id: an older live event is not sent, the next one is")
  void startsAtTheLatestId() {
    Subscription subscription = subscribed(null, 5);
    assertEquals(List.of("subscribed"), client.types());
    assertEquals(5L, client.frames.get(0).getLong("lastEventId"));
    assertEquals(1, client.presenceShown, "a signed-in viewer of a cotonoma is shown once access is granted");
    subscription.deliver(event(5));
    subscription.deliver(event(6));
    assertEquals(List.of(6L), client.eventIds());
  }

  @Test
  @DisplayName("Missed events are sent first, live ones that came meanwhile after them, each once and in order")
  void missedThenLiveOnce() {
    Subscription subscription = new Subscription(client, ROOM, "cotonoma:room", 2L);
    subscription.open(true);
    assertEquals(2L, client.opens.peek().after(), "asks for what came after the last id the client saw");
    subscription.deliver(event(4));
    subscription.deliver(event(5));
    assertEquals(List.of(), client.eventIds(), "live events wait while the missed ones are fetched");
    answer(false, 4, 3, 4);
    assertEquals(List.of(3L, 4L, 5L), client.eventIds());
    subscription.deliver(event(5));
    subscription.deliver(event(3));
    assertEquals(List.of(3L, 4L, 5L), client.eventIds(), "a repeated or older event is not sent again");
  }

  @Test
  @DisplayName("Events after a gap wait; the missing one arriving within the wait sends them all in order and fetches nothing")
  void gapClosedLive() {
    Subscription subscription = subscribed(null, 1);
    subscription.deliver(event(3));
    subscription.deliver(event(4));
    assertEquals(List.of(), client.eventIds());
    assertEquals(1, client.pendingTimers(), "one wait for the gap");
    subscription.deliver(event(2));
    assertEquals(List.of(2L, 3L, 4L), client.eventIds());
    assertEquals(0, client.pendingTimers(), "the wait is cancelled once the gap is closed");
    assertTrue(client.opens.isEmpty(), "coto-service is not asked");
  }

  @Test
  @DisplayName("A gap still open after the wait is fetched from coto-service once, then the held events follow")
  void gapFetched() {
    Subscription subscription = subscribed(null, 1);
    subscription.deliver(event(3));
    client.fireTimers();
    FakeSubscriber.Open open = client.nextOpen();
    assertEquals(1L, open.after());
    open.reply().complete(new TimelineOpened("cotonoma:room", List.of(event(2)), false, 3L));
    assertEquals(List.of(2L, 3L), client.eventIds());
  }

  @Test
  @DisplayName("A gap coto-service cannot fill either is let through after one fetch, not refetched forever")
  void unfillableGapLetThrough() {
    Subscription subscription = subscribed(null, 1);
    subscription.deliver(event(3));
    client.fireTimers();
    answer(false, 3);
    // The fetch found nothing for 2: the held 3 waits once more, then goes without another fetch.
    client.fireTimers();
    assertTrue(client.opens.isEmpty(), "no second fetch for the same gap");
    assertEquals(List.of(3L), client.eventIds());
  }

  @Test
  @DisplayName("Too much missed: the client is told to resync and live events go on from the timeline's latest id")
  void resyncWhenTooMuchMissed() {
    Subscription subscription = new Subscription(client, ROOM, "cotonoma:room", 2L);
    subscription.open(true);
    answer(true, 900);
    assertEquals(List.of("resync", "subscribed"), client.types());
    assertEquals(900L, subscription.last());
    subscription.deliver(event(901));
    assertEquals(List.of(901L), client.eventIds());
  }

  @Test
  @DisplayName("More live events than the buffer holds while catching up: resync instead of holding them all")
  void pendingOverflowResyncs() {
    Subscription subscription = new Subscription(client, ROOM, "cotonoma:room", 1L);
    subscription.open(true);
    for (long id = 2; id <= Subscription.MAX_PENDING + 2; id++) {
      subscription.deliver(event(id));
    }
    assertEquals(List.of("resync"), client.types());
    assertNull(subscription.last());
  }

  @Test
  @DisplayName("An anonymous timeline is not persisted: its events are sent as they come, never held for a gap")
  void anonymousTimelinesHaveNoGaps() {
    FakeSubscriber visitor = new FakeSubscriber(false);
    Subscription subscription = new Subscription(visitor, TimelineName.HOME, "anonymous:abc", null);
    subscription.open(true);
    visitor.nextOpen().reply().complete(TimelineOpened.current("anonymous:abc", null));
    subscription.deliver(event(7));
    subscription.deliver(event(9));
    assertEquals(List.of(7L, 9L), visitor.eventIds());
    assertEquals(0, visitor.pendingTimers());
    assertEquals(0, visitor.presenceShown, "nobody is shown on a home timeline");
  }

  @Test
  @DisplayName("A reply naming another timeline than the one asked ends the subscription; a refusal is passed on")
  void wrongTimelineOrRefusal() {
    new Subscription(client, ROOM, "cotonoma:room", null).open(true);
    client.nextOpen().reply().complete(TimelineOpened.current("cotonoma:other", null));
    assertEquals(List.of("error"), client.ended);
    new Subscription(client, ROOM, "cotonoma:room", null).open(true);
    client.nextOpen().reply().fail("404");
    assertEquals(1, client.refusals.size());
    assertEquals(0, client.presenceShown, "nobody is shown in a cotonoma they could not open");
  }
}
