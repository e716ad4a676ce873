package io.cotoami.gateway.live;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Reads of cluster state that must not stall what waits on them: each answer comes within a
 * deadline (or fails then), and at most {@code max} reads run at once. A read past its deadline
 * still holds its place until the store answers it (a cluster-map read holds a worker thread till
 * then), so that a stalled cluster cannot pile up blocked workers, one more at every retry.
 * Use from one event loop (not thread-safe).
 */
final class BoundedReads {
  /** Refused because {@code max} reads are still running. */
  static final class Busy extends RuntimeException {
    Busy(int max) {
      super(max + " reads still running", null, false, false);
    }
  }

  private final int max;
  private final Duration deadline;
  private int running;

  BoundedReads(int max, Duration deadline) {
    if (max < 1 || deadline.isNegative() || deadline.isZero()) {
      throw new IllegalArgumentException("max " + max + ", deadline " + deadline);
    }
    this.max = max;
    this.deadline = deadline;
  }

  /** Starts {@code read} unless {@code max} reads are running; its answer, or a failure at the deadline. */
  <T> Future<T> read(Supplier<Future<T>> read) {
    if (running >= max) {
      return Future.failedFuture(new Busy(max));
    }
    running++;
    Future<T> answer;
    try {
      answer = read.get();
    } catch (RuntimeException e) {
      running--;
      return Future.failedFuture(e);
    }
    answer.onComplete(done -> running--);
    return answer.timeout(deadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  int running() {
    return running;
  }

  Duration deadline() {
    return deadline;
  }
}
