package io.cotoami.common.bus;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * Failure codes of event-bus replies. They mirror HTTP statuses so the gateway can map them
 * one-to-one; bus-level failures (timeout, no handler) map to 504 and 503.
 */
public final class FailureCodes {
  public static final int BAD_REQUEST = 400;
  public static final int UNAUTHORIZED = 401;
  public static final int FORBIDDEN = 403;
  public static final int NOT_FOUND = 404;
  public static final int CONFLICT = 409;
  public static final int TOO_MANY_REQUESTS = 429;
  public static final int INTERNAL = 500;
  public static final int UNAVAILABLE = 503;

  private FailureCodes() {
  }

  /** The HTTP status a failed bus request should surface as. */
  public static int httpStatus(Throwable failure) {
    if (failure instanceof ReplyException) {
      ReplyException reply = (ReplyException) failure;
      if (reply.failureType() == ReplyFailure.TIMEOUT) {
        return 504;
      }
      if (reply.failureType() == ReplyFailure.NO_HANDLERS) {
        return 503;
      }
      int code = reply.failureCode();
      return code >= 400 && code <= 599 ? code : 500;
    }
    return 500;
  }
}
