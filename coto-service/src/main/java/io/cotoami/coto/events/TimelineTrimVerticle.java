package io.cotoami.coto.events;

import io.cotoami.coto.store.Db;
import io.cotoami.coto.store.TimelineEventRepository;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the replayable history bounded: every {@code interval}, deletes the events that are more
 * than {@code keep} behind the latest of their timeline (a client that far behind is told to
 * resync anyway). In batches, so no statement holds many rows; every instance may run it, since
 * deleting what is already gone is harmless.
 */
public final class TimelineTrimVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(TimelineTrimVerticle.class);
  static final int BATCH = 10_000;

  private final Db db;
  private final TimelineEventRepository events;
  private final int keep;
  private final Duration interval;
  private boolean running;

  public TimelineTrimVerticle(Db db, TimelineEventRepository events, int keep, Duration interval) {
    this.db = db;
    this.events = events;
    this.keep = keep;
    this.interval = interval;
  }

  @Override
  public Future<?> start() {
    vertx.setPeriodic(interval.toMillis(), id -> trimNow());
    return Future.succeededFuture();
  }

  /** One pass: batches until fewer than a batch remain; skipped while the previous pass runs. */
  Future<Integer> trimNow() {
    if (running) {
      return Future.succeededFuture(0);
    }
    running = true;
    return trimFrom(0)
        .onSuccess(total -> {
          if (total > 0) {
            LOG.info("Trimmed {} timeline events beyond the latest {} of each timeline", total, keep);
          }
        })
        .onFailure(e -> LOG.warn("Trimming timeline events failed; will try again in {}: {}", interval, e.toString()))
        .onComplete(done -> running = false);
  }

  private Future<Integer> trimFrom(int sofar) {
    return db.tx(conn -> events.trim(conn, keep, BATCH))
        .compose(deleted -> deleted < BATCH ? Future.succeededFuture(sofar + deleted) : trimFrom(sofar + deleted));
  }
}
