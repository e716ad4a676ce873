package io.cotoami.coto.store;

import io.cotoami.common.http.Problem;
import io.cotoami.common.http.ProblemException;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.net.ConnectException;
import java.util.Locale;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How coto-service talks to PostgreSQL: transactions whose commit is durable before we answer,
 * and PostgreSQL being unreachable turned into a 503 problem (retry later) instead of a 500.
 */
public final class Db {
  private static final Logger LOG = LoggerFactory.getLogger(Db.class);
  private final Pool pool;

  public Db(Pool pool) {
    this.pool = pool;
  }

  /** Runs {@code work} in one transaction; it commits when the returned future succeeds. */
  public <T> Future<T> tx(Function<SqlConnection, Future<T>> work) {
    return pool.<T>withTransaction(conn -> conn
            // A coto is acknowledged only once its commit is on disk, whatever the server's default.
            .query("SET LOCAL synchronous_commit TO on").execute()
            .compose(v -> work.apply(conn)))
        .recover(Db::unreachableIsUnavailable);
  }

  /** Runs read-only {@code work} on one pooled connection. */
  public <T> Future<T> read(Function<SqlConnection, Future<T>> work) {
    return pool.withConnection(work).recover(Db::unreachableIsUnavailable);
  }

  /** The SQLSTATE of a failure from PostgreSQL, or null. */
  public static String sqlState(Throwable failure) {
    return failure instanceof PgException ? ((PgException) failure).getSqlState() : null;
  }

  static <T> Future<T> unreachableIsUnavailable(Throwable failure) {
    if (unreachable(failure)) {
      LOG.warn("PostgreSQL is unreachable: {}", failure.toString());
      return Future.failedFuture(new ProblemException(
          Problem.unavailable("A store this request needs is unreachable. Please retry shortly.")));
    }
    return Future.failedFuture(failure);
  }

  /** Connection refused, reset, lost, or not obtained in time; or the server shutting down or starting up. */
  static boolean unreachable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ConnectException || t instanceof java.net.SocketException
          || t instanceof ClosedConnectionException
          || t instanceof java.nio.channels.ClosedChannelException
          || t instanceof io.netty.channel.ConnectTimeoutException) {
        return true;
      }
      String state = sqlState(t);
      if (state != null && (state.startsWith("08") || state.startsWith("57P"))) {
        return true;
      }
      String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
      if (message.contains("timeout waiting for connection") || message.contains("connection refused")
          || message.contains("connection is closed") || message.contains("connection closed")) {
        return true;
      }
    }
    return false;
  }
}
