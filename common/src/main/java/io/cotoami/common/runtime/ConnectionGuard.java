package io.cotoami.common.runtime;

import io.cotoami.common.config.ConnectionLimits;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds a server's connections to {@link ConnectionLimits}: a connection over the global or the
 * per-address cap is closed as soon as it is accepted, and one that is slow to send a request's
 * headers or body is closed at the deadline (slowloris). Idle connections are closed by the
 * server's own idle timeout. Deadlines are checked by one periodic sweep, not a timer per request.
 */
final class ConnectionGuard {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);

  /** Where a connection is: waiting for a request's headers, reading its body, or answering it. */
  private enum Phase { HEADERS, BODY, ANSWERING }

  private static final class Tracked {
    final HttpConnection connection;
    volatile Phase phase = Phase.HEADERS;
    volatile long since = System.nanoTime();
    volatile HttpServerRequest request;

    Tracked(HttpConnection connection) {
      this.connection = connection;
    }
  }

  private final ConnectionLimits limits;
  private final String server;
  private final AtomicInteger open = new AtomicInteger();
  private final Map<String, Integer> perClient = new ConcurrentHashMap<>();
  private final Map<HttpConnection, Tracked> tracked = new ConcurrentHashMap<>();
  private final Counter refusedGlobal;
  private final Counter refusedPerClient;
  private final Counter timedOut;

  /**
   * @param capped whether the caps apply (the public port), or only the deadlines (the management port)
   */
  ConnectionGuard(Vertx vertx, ConnectionLimits limits, String server, boolean capped, MeterRegistry registry) {
    this.limits = capped ? limits : new ConnectionLimits(limits.idleTimeout(), limits.headerTimeout(),
        limits.bodyTimeout(), Integer.MAX_VALUE, 0);
    this.server = server;
    Gauge.builder("cotoami_http_connections_open", open, AtomicInteger::get).tag("server", server)
        .description("Connections open now").register(registry);
    refusedGlobal = refusedCounter(registry, "global-cap");
    refusedPerClient = refusedCounter(registry, "per-client-cap");
    timedOut = Counter.builder("cotoami_http_connections_timed_out_total").tag("server", server)
        .description("Connections closed because a request's headers or body were too slow").register(registry);
    long sweep = Math.max(50, Math.min(1000,
        Math.min(limits.headerTimeout().toMillis(), limits.bodyTimeout().toMillis()) / 4));
    vertx.setPeriodic(sweep, id -> sweep());
  }

  private Counter refusedCounter(MeterRegistry registry, String reason) {
    return Counter.builder("cotoami_http_connections_refused_total").tag("server", server).tag("reason", reason)
        .description("Connections closed at once because a cap was reached").register(registry);
  }

  int open() {
    return open.get();
  }

  /** The server's connection handler. */
  void connected(HttpConnection connection) {
    String address = connection.remoteAddress() == null ? "unknown" : connection.remoteAddress().hostAddress();
    int total = open.incrementAndGet();
    int fromClient = perClient.merge(address, 1, Integer::sum);
    Tracked entry = new Tracked(connection);
    tracked.put(connection, entry);
    connection.closeHandler(v -> {
      tracked.remove(connection);
      open.decrementAndGet();
      perClient.computeIfPresent(address, (k, n) -> n <= 1 ? null : n - 1);
    });
    if (total > limits.maxConnections()) {
      refusedGlobal.increment();
      LOG.debug("Refused a connection from {}: {} open, the cap is {}", address, total - 1, limits.maxConnections());
      connection.close();
    } else if (limits.maxPerClient() > 0 && fromClient > limits.maxPerClient()) {
      refusedPerClient.increment();
      LOG.debug("Refused a connection from {}: it has {} open, the cap is {}", address, fromClient - 1,
          limits.maxPerClient());
      connection.close();
    }
  }

  /** Call first in the request handler: the headers are in; the body must follow in time. */
  void requested(HttpServerRequest request) {
    Tracked entry = tracked.get(request.connection());
    if (entry != null && "websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
      // A WebSocket is not a request/answer: the idle timeout and the pings watch it from now on.
      tracked.remove(request.connection());
    } else if (entry != null) {
      entry.request = request;
      entry.since = System.nanoTime();
      entry.phase = request.isEnded() ? Phase.ANSWERING : Phase.BODY;
    }
  }

  private void sweep() {
    long now = System.nanoTime();
    long headers = limits.headerTimeout().toNanos();
    long body = limits.bodyTimeout().toNanos();
    for (Tracked entry : tracked.values()) {
      HttpServerRequest request = entry.request;
      switch (entry.phase) {
        case HEADERS -> {
          if (now - entry.since > headers) {
            close(entry, "headers");
          }
        }
        case BODY -> {
          if (request.isEnded()) {
            entry.phase = Phase.ANSWERING;
          } else if (now - entry.since > body) {
            close(entry, "body");
          }
        }
        case ANSWERING -> {
          if (request.response().ended()) {
            // Kept alive: the next request's headers are due within the header timeout.
            entry.since = now;
            entry.phase = Phase.HEADERS;
          }
        }
        default -> throw new IllegalStateException();
      }
    }
  }

  private void close(Tracked entry, String what) {
    tracked.remove(entry.connection);
    timedOut.increment();
    LOG.debug("Closed a connection of {} on the {} server: the request's {} took over {} ms", entry.connection
        .remoteAddress(), server, what, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - entry.since));
    entry.connection.close();
  }
}
