package io.cotoami.gateway.live;

import io.cotoami.common.bus.TimelineName;
import io.cotoami.common.bus.TimelineNames;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * One timeline one client follows. Events are sent once and in order by event id: while the
 * missed events are being fetched, live ones wait in a bounded buffer; a gap in the live ids
 * (events of different coto-service instances can cross on the bus) is filled from coto-service.
 */
final class Subscription {
  /** Live events held while missed ones are fetched; past this the client is told to resync. */
  static final int MAX_PENDING = 1000;
  /**
   * How long events after a gap wait for the missing ones before those are fetched: events of two
   * coto-service instances cross by milliseconds, and asking coto-service at once for every
   * subscriber of a busy timeline would flood it.
   */
  static final long GAP_WAIT_MS = 200;

  private final Subscriber client;
  private final TimelineName timeline;
  private final String name;
  private final String busName;
  private final boolean persisted;
  private Long last;
  private boolean catchingUp;
  /** True until access was granted: nobody is shown in a cotonoma before that. */
  private boolean catchingUpFirst = true;
  /** Where the last catch-up started: a gap that is still there after it is let through, not refetched forever. */
  private Long caughtUpFrom = -1L;
  private List<JsonObject> pending = new ArrayList<>();
  /** Live events after a gap, by id, waiting up to {@link #GAP_WAIT_MS} for the missing ones. */
  private final TreeMap<Long, JsonObject> early = new TreeMap<>();
  private long gapTimer = -1;

  Subscription(Subscriber client, TimelineName timeline, String busName, Long last) {
    this.client = client;
    this.timeline = timeline;
    this.name = timeline.toString();
    this.busName = busName;
    this.persisted = !TimelineNames.isAnonymous(busName);
    this.last = last;
  }

  String name() {
    return name;
  }

  TimelineName timeline() {
    return timeline;
  }

  Subscriber client() {
    return client;
  }

  /** Signed-in viewers of a cotonoma are shown to the others there (presence). */
  boolean shown() {
    return !timeline.isHome() && client.signedIn() && !catchingUpFirst;
  }

  String busName() {
    return busName;
  }

  Long last() {
    return last;
  }

  /** Fetches what was missed after {@code last} (or just checks access when it is null), then goes live. */
  void open(boolean first) {
    catchingUp = true;
    client.open(name, last)
        .onSuccess(reply -> {
          if (!busName.equals(reply.timeline())) {
            client.end(this, "error", "The timeline could not be opened.");
            return;
          }
          if (reply.resync()) {
            client.send(new JsonObject().put("type", "resync").put("timeline", name));
            last = null;
          } else {
            reply.events().forEach(this::send);
          }
          // Live events continue from the timeline's latest id, so one that crossed another on the
          // bus is not taken for the first and the other dropped as already sent.
          if (last == null && persisted && reply.lastEventId() != null) {
            last = reply.lastEventId();
          }
          if (first) {
            client.send(new JsonObject().put("type", "subscribed").put("timeline", name).put("lastEventId", last));
            catchingUpFirst = false;
            if (shown()) {
              client.showPresence(this);
            }
          }
          catchingUp = false;
          List<JsonObject> held = pending;
          pending = new ArrayList<>();
          held.forEach(this::deliver);
        })
        .onFailure(e -> client.refused(this, e));
  }

  /** Events may have been missed (the cluster was split): fetch those after the last one, or tell the client to resync. */
  void catchUp() {
    if (catchingUp) {
      return;
    }
    if (!persisted || last == null) {
      client.send(new JsonObject().put("type", "resync").put("timeline", name));
      return;
    }
    open(false);
  }

  /** A live event of this timeline. */
  void deliver(JsonObject event) {
    if (catchingUp) {
      if (pending.size() >= MAX_PENDING) {
        pending.clear();
        last = null;
        client.send(new JsonObject().put("type", "resync").put("timeline", name));
      } else {
        pending.add(event);
      }
      return;
    }
    long id = event.getLong("eventId", 0L);
    if (last != null && persisted && id > last + 1) {
      if (early.size() >= MAX_PENDING) {
        cancel();
        last = null;
        client.send(new JsonObject().put("type", "resync").put("timeline", name));
        return;
      }
      early.put(id, event);
      if (gapTimer < 0) {
        gapTimer = client.setTimer(GAP_WAIT_MS, () -> {
          gapTimer = -1;
          fillGap();
        });
      }
      return;
    }
    send(event);
    while (!early.isEmpty() && last != null && early.firstKey() <= last + 1) {
      send(early.pollFirstEntry().getValue());
    }
    if (early.isEmpty()) {
      cancel();
    }
  }

  /** The missing events did not come live: fetch them, once per gap; a gap still there after that is let through. */
  private void fillGap() {
    List<JsonObject> waiting = new ArrayList<>(early.values());
    early.clear();
    if (catchingUp) {
      // A fetch is under way: these are delivered again when it is done.
      pending.addAll(waiting);
      return;
    }
    if (waiting.isEmpty()) {
      return;
    }
    if (last != null && last.equals(caughtUpFrom)) {
      waiting.forEach(this::send);
      return;
    }
    caughtUpFrom = last;
    pending.addAll(waiting);
    open(false);
  }

  /** Stops waiting for a gap to close (the subscription ended, or the client must resync). */
  void cancel() {
    early.clear();
    if (gapTimer >= 0) {
      client.cancelTimer(gapTimer);
      gapTimer = -1;
    }
  }

  private void send(JsonObject event) {
    long id = event.getLong("eventId", 0L);
    if (last != null && id <= last) {
      return;
    }
    last = id;
    client.send(new JsonObject().put("type", "event").put("timeline", name).put("eventId", id).put("event", event));
    client.afterEvent(this, event);
  }
}
