package io.cotoami.common.runtime;

import io.cotoami.common.http.Redaction;
import io.cotoami.common.http.RequestIds;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The requests an instance is serving: counted, so that a drain can wait for them, and each API
 * request logged once as it ends (method, redacted path, status, time, request id).
 */
final class InFlightRequests {
  /** The request log keeps its name, {@code ServiceInstance}: tests and operators set its level by it. */
  private static final Logger LOG = LoggerFactory.getLogger(ServiceInstance.class);
  private final AtomicInteger inFlight = new AtomicInteger();

  /** Requests being served now. */
  int count() {
    return inFlight.get();
  }

  /**
   * The handler that counts and logs a request. A WebSocket handshake is not counted: once upgraded
   * the socket lives on (it never ends as a request), and would hold every drain for the whole
   * grace period; the server's shutdown closes it.
   */
  void track(RoutingContext ctx) {
    if (ctx.request().headers().contains("Upgrade", "websocket", true)) {
      ctx.next();
      return;
    }
    inFlight.incrementAndGet();
    long start = System.nanoTime();
    ctx.addEndHandler(v -> {
      inFlight.decrementAndGet();
      String path = ctx.request().path();
      if (path != null && !path.startsWith("/health/") && !path.equals("/metrics")) {
        LOG.atInfo().addKeyValue("requestId", RequestIds.of(ctx))
            .log("{} {} {} {}ms", ctx.request().method(), Redaction.uri(path), ctx.response().getStatusCode(),
                (System.nanoTime() - start) / 1_000_000);
      }
    });
    ctx.next();
  }

  /** Completes when nothing is in flight, looking every 20 ms, or at {@code deadline} ({@link System#nanoTime}). */
  Future<Void> awaitIdle(Vertx vertx, long deadline) {
    Promise<Void> promise = Promise.promise();
    vertx.setPeriodic(0, 20, id -> {
      if (inFlight.get() == 0 || System.nanoTime() >= deadline) {
        vertx.cancelTimer(id);
        if (inFlight.get() > 0) {
          LOG.warn("Grace period over with {} request(s) still in flight", inFlight.get());
        }
        promise.complete();
      }
    });
    return promise.future();
  }
}
