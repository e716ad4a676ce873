package io.cotoami.gateway.live;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A client's frame budget: a token bucket refilled at {@code framesPerSecond} that holds at most
 * two seconds' worth (a burst), and a count of refused frames over a window, so that a client
 * refused too often within it is taken for a flood rather than a burst.
 */
final class FrameBudget {
  /** Refusals are counted over this window: a client refused too often within it is flooding, not bursting. */
  static final long FLOOD_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final int framesPerSecond;
  private final LongSupplier nanoTime;
  private double tokens;
  private long refilledAt;
  private int refused;
  private long refusingSince;

  FrameBudget(int framesPerSecond, LongSupplier nanoTime) {
    this.framesPerSecond = framesPerSecond;
    this.nanoTime = nanoTime;
    this.tokens = framesPerSecond * 2.0;
    this.refilledAt = nanoTime.getAsLong();
  }

  /** Takes a frame from the budget; false when there is none left (the frame is refused). */
  boolean take() {
    long now = nanoTime.getAsLong();
    tokens = Math.min(framesPerSecond * 2.0, tokens + (now - refilledAt) / 1e9 * framesPerSecond);
    refilledAt = now;
    if (tokens < 1) {
      return false;
    }
    tokens -= 1;
    return true;
  }

  /** Counts a refused frame; true when over five seconds' worth of frames were refused within the window. */
  boolean flooding() {
    long now = nanoTime.getAsLong();
    if (refused == 0 || now - refusingSince > FLOOD_WINDOW_NANOS) {
      refused = 0;
      refusingSince = now;
    }
    return ++refused > framesPerSecond * 5;
  }
}
