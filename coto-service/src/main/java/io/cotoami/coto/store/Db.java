package io.cotoami.coto.store;

import io.cotoami.common.config.PgConfig;
import io.cotoami.common.failure.DeadlineExceededException;
import io.cotoami.common.failure.Failures;
import io.cotoami.common.http.Problem;
import io.cotoami.common.http.ProblemException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How coto-service talks to PostgreSQL: transactions whose commit is durable before we answer (the
 * pool's connections run with {@code synchronous_commit=on}),
 * every call within a deadline, and PostgreSQL being unreachable or too slow turned into a 503
 * problem (retry later) instead of a 500 or a hang.
 *
 * <p>A transaction past its deadline is abandoned so that it cannot complete later: the work
 * fails (so the transaction rolls back, even if PostgreSQL runs the statements when it resumes),
 * and a COMMIT that PostgreSQL reaches after the deadline is refused by the commit-time check of
 * {@code V3__commit_deadline.sql}.
 */
public final class Db {
  private static final Logger LOG = LoggerFactory.getLogger(Db.class);
  /** The server's deadline is this much earlier than ours, so its refusal reaches us in time. */
  static final Duration SERVER_MARGIN = Duration.ofMillis(300);
  /**
   * The commit deadline of the transaction (SET LOCAL), read at commit by {@code V3__commit_deadline.sql}.
   * Durability is not set here: every pooled connection has {@code synchronous_commit=on} from its start
   * ({@code PostgresStore}).
   */
  private static final String DEADLINE = "SELECT set_config('cotoami.deadline', "
      + "(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint + $1)::text, true)";
  private final Pool pool;
  private final Duration timeout;

  public Db(Pool pool, PgConfig pg) {
    this.pool = pool;
    this.timeout = pg.callTimeout();
  }

  /**
   * Runs {@code work} in one transaction; it commits when the returned future succeeds, else rolls back.
   *
   * <p>Pipelined: BEGIN, the commit deadline and the work's first statement go out together, without
   * waiting for one another's answers (two round trips fewer than asking in turn). PostgreSQL runs them in
   * order on the connection, so the deadline is set inside the transaction before anything the work
   * writes; if BEGIN or the deadline fails, the transaction fails with that error (the work's statements
   * then fail too, as PostgreSQL refuses them in an aborted transaction) and is rolled back.
   */
  public <T> Future<T> tx(Function<SqlConnection, Future<T>> work) {
    return tx(timeout, work);
  }

  /** {@link #tx(Function)} for long work (an import): the same guarantees, with its own deadline. */
  public <T> Future<T> tx(Duration timeout, Function<SqlConnection, Future<T>> work) {
    long deadline = System.nanoTime() + timeout.toNanos();
    return pool.<T>withConnection(conn -> {
          long left = remainingMillis(deadline);
          if (left <= SERVER_MARGIN.toMillis()) {
            // The connection came too late (the caller may have been answered 503 already): do nothing.
            return Future.failedFuture(new DeadlineExceededException("no time left for the transaction"));
          }
          Future<Transaction> begun = conn.begin();
          Future<?> deadlineSet = conn.preparedQuery(DEADLINE).execute(Tuple.of(left - SERVER_MARGIN.toMillis()));
          Future<T> done;
          try {
            done = work.apply(conn);
          } catch (RuntimeException e) {
            done = Future.failedFuture(e);
          }
          Future<T> result = done;
          return Future.join(begun, deadlineSet, result)
              .transform(ar -> begun.failed() ? Future.<T>failedFuture(begun.cause())
                  : deadlineSet.failed() ? Future.<T>failedFuture(deadlineSet.cause()) : result)
              // Failing the work rolls the transaction back, whenever PostgreSQL gets to it.
              .timeout(left, TimeUnit.MILLISECONDS)
              .transform(outcome -> end(conn.transaction(), outcome.succeeded(), outcome.result(), outcome.cause()));
        })
        .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .recover(Db::unreachableIsUnavailable);
  }

  /** Commits after the work succeeded (a failed commit fails the call), else rolls back and keeps the failure. */
  private static <T> Future<T> end(Transaction tx, boolean succeeded, T value, Throwable failure) {
    if (tx == null) {
      return succeeded ? Future.failedFuture(new IllegalStateException("the transaction ended early"))
          : Future.failedFuture(failure);
    }
    if (succeeded) {
      return tx.commit().map(value);
    }
    return tx.rollback().transform(ignored -> Future.<T>failedFuture(failure));
  }

  /**
   * Runs long read-only {@code work} (an export's cursors) in one REPEATABLE READ transaction, so that
   * all it reads is one consistent snapshot, within {@code timeout}; it is rolled back at the end.
   */
  public <T> Future<T> snapshot(Duration timeout, Function<SqlConnection, Future<T>> work) {
    return pool.<T>withConnection(conn -> conn.begin().compose(tx -> conn
            .query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").execute()
            .compose(v -> work.apply(conn))
            .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
            .transform(outcome -> tx.rollback().transform(ignored -> outcome.succeeded()
                ? Future.succeededFuture(outcome.result()) : Future.<T>failedFuture(outcome.cause())))))
        .recover(Db::unreachableIsUnavailable);
  }

  /** Runs read-only {@code work} on one pooled connection. */
  public <T> Future<T> read(Function<SqlConnection, Future<T>> work) {
    return pool.withConnection(work)
        .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .recover(Db::unreachableIsUnavailable);
  }

  /** The SQLSTATE of a failure from PostgreSQL, or null. */
  public static String sqlState(Throwable failure) {
    return Failures.sqlState(failure);
  }

  static <T> Future<T> unreachableIsUnavailable(Throwable failure) {
    if (Failures.unavailable(failure)) {
      LOG.warn("PostgreSQL is unreachable or too slow: {}", failure.toString());
      return Future.failedFuture(new ProblemException(
          Problem.unavailable("A store this request needs is unreachable. Please retry shortly.")));
    }
    return Future.failedFuture(failure);
  }

  private static long remainingMillis(long deadline) {
    return TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
  }
}
