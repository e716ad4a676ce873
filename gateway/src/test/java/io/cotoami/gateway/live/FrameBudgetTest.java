package io.cotoami.gateway.live;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A client's frame budget on a clock the test turns. */
class FrameBudgetTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  private void advanceMillis(long millis) {
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
  }

  @Test
  @DisplayName("A burst of two seconds' worth of frames passes at once; the next frame is refused until the budget refills")
  void burstThenRefill() {
    FrameBudget budget = new FrameBudget(10, now::get);
    for (int i = 0; i < 20; i++) {
      assertTrue(budget.take(), "frame " + i + " of the burst");
    }
    assertFalse(budget.take(), "the 21st frame at once");
    advanceMillis(99);
    assertFalse(budget.take(), "not yet a whole frame's worth refilled");
    advanceMillis(2);
    assertTrue(budget.take(), "a tenth of a second refills one frame");
    assertFalse(budget.take());
  }

  @Test
  @DisplayName("Waiting long does not bank more than two seconds' worth")
  void refillIsCapped() {
    FrameBudget budget = new FrameBudget(10, now::get);
    advanceMillis(60_000);
    int passed = 0;
    while (budget.take()) {
      passed++;
    }
    assertTrue(passed == 20, "passed " + passed);
  }

  @Test
  @DisplayName("Refused more than five seconds' worth of frames within five seconds is a flood; spread wider, it is not")
  void floodWithinTheWindow() {
    FrameBudget budget = new FrameBudget(2, now::get);
    for (int i = 0; i < 10; i++) {
      assertFalse(budget.flooding(), "refusal " + i);
    }
    assertTrue(budget.flooding(), "the 11th refusal within the window");

    FrameBudget spread = new FrameBudget(2, now::get);
    for (int i = 0; i < 30; i++) {
      assertFalse(spread.flooding(), "refusal " + i + " of a slow trickle");
      advanceMillis(i % 10 == 9 ? 5_001 : 1);
    }
  }
}
