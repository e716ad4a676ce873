package io.cotoami.gateway.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Deadlines and the bound on cluster reads, with reads the test answers (or never does). */
@ExtendWith(VertxExtension.class)
class BoundedReadsTest {

  @Test
  @DisplayName("A read the store never answers fails at its deadline, so what waits on it goes on")
  void aStalledReadFailsAtItsDeadline(Vertx vertx, VertxTestContext test) {
    vertx.runOnContext(v -> {
      BoundedReads reads = new BoundedReads(2, Duration.ofMillis(200));
      Promise<String> never = Promise.promise();
      long start = System.nanoTime();
      reads.read(never::future).onComplete(test.failing(e -> test.verify(() -> {
        long took = (System.nanoTime() - start) / 1_000_000;
        assertInstanceOf(TimeoutException.class, e, e.toString());
        assertTrue(took >= 190, "failed after " + took + " ms, not before the deadline");
        assertEquals(1, reads.running(), "the stalled read still holds its place");
        test.completeNow();
      })));
    });
  }

  @Test
  @DisplayName("While the stalled reads hold every place, a new read is refused at once; when the store answers one, its place is free again")
  void stalledReadsHoldTheirPlacesUntilAnswered(Vertx vertx, VertxTestContext test) {
    vertx.runOnContext(v -> {
      BoundedReads reads = new BoundedReads(2, Duration.ofMillis(100));
      Promise<String> first = Promise.promise();
      Promise<String> second = Promise.promise();
      Future<String> a = reads.read(first::future);
      Future<String> b = reads.read(second::future);
      Future<String> refused = reads.read(() -> Future.succeededFuture("never asked"));
      test.verify(() -> {
        assertTrue(refused.failed());
        assertInstanceOf(BoundedReads.Busy.class, refused.cause());
      });
      Future.join(a, b).onComplete(both -> test.verify(() -> {
        assertTrue(a.failed() && b.failed(), "both past their deadline");
        assertEquals(2, reads.running());
        first.complete("late");
        assertEquals(1, reads.running());
        reads.read(() -> Future.succeededFuture("fresh")).onComplete(test.succeeding(answer -> test.verify(() -> {
          assertEquals("fresh", answer);
          assertEquals(1, reads.running(), "only the still-stalled read runs");
          test.completeNow();
        })));
      }));
    });
  }

  @Test
  @DisplayName("A read that throws instead of answering frees its place")
  void aThrowingReadFreesItsPlace(Vertx vertx, VertxTestContext test) {
    vertx.runOnContext(v -> {
      BoundedReads reads = new BoundedReads(1, Duration.ofMillis(100));
      Future<String> thrown = reads.read(() -> {
        throw new IllegalStateException("cluster not active");
      });
      test.verify(() -> {
        assertTrue(thrown.failed());
        assertEquals(0, reads.running());
      });
      reads.read(() -> Future.succeededFuture("ok")).onComplete(test.succeedingThenComplete());
    });
  }
}
