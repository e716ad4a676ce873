package io.cotoami.common.failure;

import java.util.concurrent.TimeoutException;

/**
 * A store call abandoned at its deadline. Where the store itself checks the deadline before
 * acting (a guarded Redis script, a PostgreSQL commit), the work was not done and will not be.
 */
public final class DeadlineExceededException extends TimeoutException {
  /** The SQLSTATE our commit-time guard raises (class P0: PL/pgSQL, a code of our own). */
  public static final String SQLSTATE = "P0C01";

  public DeadlineExceededException(String message) {
    super(message);
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
