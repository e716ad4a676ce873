package io.cotoami.common.failure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.VertxException;
import io.vertx.core.impl.NoStackTraceThrowable;
import io.vertx.core.impl.NoStackTraceTimeoutException;
import io.vertx.pgclient.PgException;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class FailuresTest {
  private static PgException pg(String sqlState) {
    return new PgException("boom", "ERROR", sqlState, "detail");
  }

  @Test
  @DisplayName("Unreachable, too slow and shutting-down stores are unavailable, by type and SQLSTATE, wherever they are in the causes")
  void unavailable() {
    assertTrue(Failures.unavailable(new ConnectException("Connection refused")));
    assertTrue(Failures.unavailable(new RuntimeException(new java.net.SocketException("Connection reset"))));
    // What Netty's NIO write throws when PostgreSQL closed the connection while it shut down.
    assertTrue(Failures.unavailable(new java.io.IOException("Connection reset by peer")));
    assertTrue(Failures.unavailable(new NoStackTraceTimeoutException("Timeout")));
    assertTrue(Failures.unavailable(new DeadlineExceededException("late")));
    assertTrue(Failures.unavailable(io.vertx.sqlclient.ClosedConnectionException.INSTANCE));
    for (String state : new String[] {"08006", "57P01", "57P03", "57014", "55P03", "25P03", DeadlineExceededException.SQLSTATE}) {
      assertTrue(Failures.unavailable(new IllegalStateException(pg(state))), state);
    }
  }

  @Test
  @DisplayName("A pool that gave up waiting for a connection is unavailable, though it says so only in its message")
  void poolTimeouts() {
    assertTrue(Failures.unavailable(new NoStackTraceThrowable("Timeout")));
    assertTrue(Failures.unavailable(new VertxException("Timeout waiting for connection", true)));
    assertFalse(Failures.unavailable(new NoStackTraceThrowable("Something else")));
    assertFalse(Failures.unavailable(new IllegalStateException("Timeout")));
  }

  @Test
  @DisplayName("Bugs and refused data are not unavailability: a unique violation or a null pointer stays a 500 or is handled by the caller")
  void notUnavailable() {
    assertFalse(Failures.unavailable(pg("23505")));
    assertFalse(Failures.unavailable(new NullPointerException()));
    assertEquals("23505", Failures.sqlState(new RuntimeException(pg("23505"))));
  }

  @Test
  @DisplayName("A timeout is told from a refused or broken connection by its type")
  void timedOut() {
    assertTrue(Failures.timedOut(new NoStackTraceTimeoutException("The timeout period of 15000ms has been exceeded")));
    assertTrue(Failures.timedOut(new RuntimeException(new TimeoutException())));
    assertFalse(Failures.timedOut(new ConnectException("refused")));
    assertFalse(Failures.timedOut(new RuntimeException("a message that mentions a timeout")));
  }

  @Test
  @DisplayName("describe gives the first message down the causes, one line; root the deepest cause")
  void describe() {
    Exception e = new RuntimeException(null, new IllegalStateException("PostgreSQL unreachable at x\nmore", new ConnectException("refused")));
    assertEquals("PostgreSQL unreachable at x", Failures.describe(e));
    assertEquals("refused", Failures.describe(Failures.root(e)));
  }
}
