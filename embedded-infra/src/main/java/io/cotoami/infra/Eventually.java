package io.cotoami.infra;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Polls a condition until it holds or a bound passes, for tests that wait on another process's work. */
public final class Eventually {
  /** The bound the tests use unless they say otherwise. */
  public static final Duration DEFAULT = Duration.ofSeconds(30);

  private Eventually() {
  }

  /** Polls {@code condition} every 50 ms until it holds; fails after {@link #DEFAULT}. */
  public static void holds(BooleanSupplier condition) throws InterruptedException {
    holds(condition, DEFAULT);
  }

  /** Polls {@code condition} every 50 ms until it holds; fails with an AssertionError after {@code within}. */
  public static void holds(BooleanSupplier condition, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + within.toSeconds() + " s");
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
  }
}
