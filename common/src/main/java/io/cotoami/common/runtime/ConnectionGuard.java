package io.cotoami.common.runtime;

import io.cotoami.common.config.ConnectionLimits;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds a server's connections to the deadlines of {@link ConnectionLimits}: one that is slow to
 * send a request's headers or body is closed at the deadline (slowloris). Idle connections are
 * closed by the server's own idle timeout, and the caps apply where connections are accepted
 * ({@link AcceptGate}). Deadlines are checked by one periodic sweep, not a timer per request.
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
  private final Map<HttpConnection, Tracked> tracked = new ConcurrentHashMap<>();
  private final Counter timedOut;

  ConnectionGuard(Vertx vertx, ConnectionLimits limits, String server, MeterRegistry registry) {
    this.limits = limits;
    this.server = server;
    timedOut = Counter.builder("cotoami_http_connections_timed_out_total").tag("server", server)
        .description("Connections closed because a request's headers or body were too slow").register(registry);
    long sweep = Math.max(50, Math.min(1000,
        Math.min(limits.headerTimeout().toMillis(), limits.bodyTimeout().toMillis()) / 4));
    vertx.setPeriodic(sweep, id -> sweep());
  }

  /** The server's connection handler (the caps were applied when the connection was accepted: {@link AcceptGate}). */
  void connected(HttpConnection connection) {
    Tracked entry = new Tracked(connection);
    tracked.put(connection, entry);
    connection.closeHandler(v -> tracked.remove(connection));
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
