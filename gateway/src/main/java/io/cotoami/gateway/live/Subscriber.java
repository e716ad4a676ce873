package io.cotoami.gateway.live;

import io.cotoami.common.bus.TimelineOpened;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * What a {@link Subscription} needs of the client it belongs to, and nothing more: open the
 * timeline, send frames, end or refuse the subscription, show it in presence, timers. The
 * {@code LiveClient} implements it over its WebSocket and {@code LiveSockets}; tests implement it
 * with a recorded list of frames and a clock of their own.
 */
interface Subscriber {
  /** The client's socket id, as typing and presence name it. */
  String id();

  /** Signed-in: shown in the presence of the cotonomas it views. */
  boolean signedIn();

  /** How this client is shown to others. */
  JsonObject viewer();

  /** Asks coto-service whether the client may read {@code timeline} and what it missed after {@code after}. */
  Future<TimelineOpened> open(String timeline, Long after);

  void send(JsonObject frame);

  /** Sends a frame already encoded (the same presence frame goes to many clients). */
  void sendEncoded(String frame);

  /** The subscription may be shown to the other viewers of its timeline now. */
  void showPresence(Subscription subscription);

  /** An event was sent: it may end the subscription (removed from the cotonoma, cotonoma deleted). */
  void afterEvent(Subscription subscription, JsonObject event);

  /** Ends the subscription, telling the client why. */
  void end(Subscription subscription, String type, String detail);

  /** coto-service refused to open the timeline (or could not be asked). */
  void refused(Subscription subscription, Throwable failure);

  /** Runs {@code action} on the client's context after {@code delayMs}; returns the timer's id. */
  long setTimer(long delayMs, Runnable action);

  void cancelTimer(long id);
}
