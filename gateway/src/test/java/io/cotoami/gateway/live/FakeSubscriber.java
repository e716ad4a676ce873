package io.cotoami.gateway.live;

import io.cotoami.common.bus.TimelineOpened;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** A client without a socket: frames are recorded, opens wait for the test to answer, timers fire when it says. */
final class FakeSubscriber implements Subscriber {
  /** One open asked of coto-service: what was asked, and the answer the test gives. */
  record Open(String timeline, Long after, Promise<TimelineOpened> reply) {
  }

  final List<JsonObject> frames = new ArrayList<>();
  final Deque<Open> opens = new ArrayDeque<>();
  final List<String> ended = new ArrayList<>();
  final List<Throwable> refusals = new ArrayList<>();
  int presenceShown;
  private final boolean signedIn;
  private final Map<Long, Runnable> timers = new TreeMap<>();
  private long nextTimer;

  FakeSubscriber(boolean signedIn) {
    this.signedIn = signedIn;
  }

  @Override
  public String id() {
    return "socket-1";
  }

  @Override
  public boolean signedIn() {
    return signedIn;
  }

  @Override
  public JsonObject viewer() {
    return new JsonObject();
  }

  @Override
  public Future<TimelineOpened> open(String timeline, Long after) {
    Promise<TimelineOpened> reply = Promise.promise();
    opens.add(new Open(timeline, after, reply));
    return reply.future();
  }

  @Override
  public void send(JsonObject frame) {
    frames.add(frame);
  }

  @Override
  public void sendEncoded(String frame) {
    frames.add(new JsonObject(frame));
  }

  @Override
  public void showPresence(Subscription subscription) {
    presenceShown++;
  }

  @Override
  public void afterEvent(Subscription subscription, JsonObject event) {
  }

  @Override
  public void end(Subscription subscription, String type, String detail) {
    ended.add(type);
  }

  @Override
  public void refused(Subscription subscription, Throwable failure) {
    refusals.add(failure);
  }

  @Override
  public long setTimer(long delayMs, Runnable action) {
    timers.put(++nextTimer, action);
    return nextTimer;
  }

  @Override
  public void cancelTimer(long id) {
    timers.remove(id);
  }

  int pendingTimers() {
    return timers.size();
  }

  /** Fires every timer set so far, as the clock passing their delay would. */
  void fireTimers() {
    List<Runnable> due = new ArrayList<>(timers.values());
    timers.clear();
    due.forEach(Runnable::run);
  }

  /** The event ids of the event frames sent, in order. */
  List<Long> eventIds() {
    return frames.stream().filter(f -> "event".equals(f.getString("type"))).map(f -> f.getLong("eventId"))
        .collect(Collectors.toList());
  }

  List<String> types() {
    return frames.stream().map(f -> f.getString("type")).collect(Collectors.toList());
  }

  Open nextOpen() {
    Open open = opens.poll();
    if (open == null) {
      throw new AssertionError("coto-service was not asked to open the timeline");
    }
    return open;
  }
}
