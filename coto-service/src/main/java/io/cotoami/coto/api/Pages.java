package io.cotoami.coto.api;

import io.cotoami.common.http.Problem;
import io.cotoami.common.http.ProblemException;
import io.vertx.ext.web.RoutingContext;

/** Cursor pagination parameters: {@code before} (an opaque cursor from a previous page) and {@code limit}. */
record Pages(Long before, int limit) {
  static final int DEFAULT_LIMIT = 20;
  static final int MAX_LIMIT = 100;

  static Pages from(RoutingContext ctx) {
    int limit = limit(ctx);
    String rawBefore = ctx.request().getParam("before");
    Long before = null;
    if (rawBefore != null) {
      try {
        before = Long.parseLong(rawBefore);
      } catch (NumberFormatException e) {
        before = -1L;
      }
      if (before < 1) {
        throw invalidCursor();
      }
    }
    return new Pages(before, limit);
  }

  static ProblemException invalidCursor() {
    return new ProblemException(Problem.of(400, "invalid-cursor", "Invalid cursor",
        "'before' must be a cursor returned by a previous page."));
  }

  /** The {@code limit} parameter: 1 to {@value #MAX_LIMIT}, {@value #DEFAULT_LIMIT} when absent. */
  static int limit(RoutingContext ctx) {
    String rawLimit = ctx.request().getParam("limit");
    int limit = DEFAULT_LIMIT;
    if (rawLimit != null) {
      try {
        limit = Integer.parseInt(rawLimit);
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > MAX_LIMIT) {
        throw new ProblemException(Problem.validation("'limit' must be a number from 1 to " + MAX_LIMIT + "."));
      }
    }
    return limit;
  }
}
