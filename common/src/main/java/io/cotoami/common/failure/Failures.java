package io.cotoami.common.failure;

import java.net.ConnectException;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

/**
 * The one place that decides what kind of failure an exception is. Exception types and SQLSTATEs
 * first; message text only for the failure that has no type of its own: a connection pool that
 * gave up waiting for a connection.
 */
public final class Failures {
  private static final boolean PG_PRESENT = present("io.vertx.pgclient.PgException");

  private Failures() {
  }

  /**
   * A store (or an instance) that cannot be reached or did not answer in time: the request may
   * succeed if retried shortly, so it is a 503 with {@code Retry-After}, never a 500.
   */
  public static boolean unavailable(Throwable failure) {
    for (Throwable t : chain(failure)) {
      // Any I/O failure on the way to a store is a broken transport (a write to a connection the
      // server reset is a plain IOException), never a bug in the request.
      if (t instanceof ConnectException || t instanceof SocketException || t instanceof ClosedChannelException
          || t instanceof java.io.IOException || t instanceof TimeoutException || closedConnection(t)) {
        return true;
      }
      String state = sqlState(t);
      if (state != null && unavailableState(state)) {
        return true;
      }
      if (poolAcquisitionTimeout(t)) {
        return true;
      }
    }
    return false;
  }

  /** Something did not answer within its deadline (as opposed to refusing or breaking the connection). */
  public static boolean timedOut(Throwable failure) {
    for (Throwable t : chain(failure)) {
      if (t instanceof TimeoutException || t.getClass().getName().equals("io.netty.handler.timeout.TimeoutException")
          || t.getClass().getName().equals("io.netty.handler.timeout.ReadTimeoutException")) {
        return true;
      }
    }
    return false;
  }

  /** The SQLSTATE of a failure from PostgreSQL (anywhere in its causes), or null. */
  public static String sqlState(Throwable failure) {
    if (!PG_PRESENT) {
      return null;
    }
    for (Throwable t : chain(failure)) {
      String state = Pg.sqlState(t);
      if (state != null) {
        return state;
      }
    }
    return null;
  }

  /** The deepest cause: usually the one that says what really happened (connection refused, ...). */
  public static Throwable root(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root;
  }

  /**
   * One line for a log or a start-up error: the first message down the causes (our own failures
   * already say what and where), first line only.
   */
  public static String describe(Throwable failure) {
    Throwable described = failure;
    while (described.getMessage() == null && described.getCause() != null && described.getCause() != described) {
      described = described.getCause();
    }
    String message = String.valueOf(described.getMessage()).strip();
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline).strip();
  }

  /**
   * 08: connection exceptions; 57P01-57P03: the server shutting down, crashed or starting up;
   * 57014: a statement cancelled by {@code statement_timeout}; 55P03: a lock not obtained in
   * {@code lock_timeout}; 25P03/25P04: idle-in-transaction and transaction timeouts; P0C01: our
   * own commit-time deadline (a transaction that reached its commit too late is rolled back).
   */
  static boolean unavailableState(String state) {
    return state.startsWith("08") || state.startsWith("57P") || state.equals("57014") || state.equals("55P03")
        || state.equals("25P03") || state.equals("25P04") || state.equals(DeadlineExceededException.SQLSTATE);
  }

  private static boolean closedConnection(Throwable t) {
    return t.getClass().getName().equals("io.vertx.sqlclient.ClosedConnectionException")
        || t.getClass().getName().equals("io.vertx.core.http.HttpClosedException");
  }

  /**
   * A pool's only signal that no connection came in time has no type of its own: Vert.x's
   * connection pool fails the lease with a bare {@code NoStackTraceThrowable("Timeout")}, the SQL
   * pool's wait queue with a {@code VertxException("Timeout waiting for connection")}.
   */
  private static boolean poolAcquisitionTimeout(Throwable t) {
    String message = t.getMessage();
    String type = t.getClass().getName();
    return message != null
        && (type.equals("io.vertx.core.impl.NoStackTraceThrowable") && message.equals("Timeout")
            || type.equals("io.vertx.core.VertxException")
                && message.toLowerCase(Locale.ROOT).startsWith("timeout waiting for"));
  }

  private static Iterable<Throwable> chain(Throwable failure) {
    return () -> new java.util.Iterator<>() {
      private Throwable next = failure;
      private int depth;

      @Override
      public boolean hasNext() {
        return next != null && depth < 32;
      }

      @Override
      public Throwable next() {
        Throwable current = next;
        next = current.getCause() == current ? null : current.getCause();
        depth++;
        return current;
      }
    };
  }

  private static boolean present(String className) {
    try {
      Class.forName(className, false, Failures.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  /** Loaded only where the PostgreSQL client is on the class path (not in the gateway). */
  private static final class Pg {
    static String sqlState(Throwable t) {
      return t instanceof io.vertx.pgclient.PgException ? ((io.vertx.pgclient.PgException) t).getSqlState() : null;
    }
  }
}
