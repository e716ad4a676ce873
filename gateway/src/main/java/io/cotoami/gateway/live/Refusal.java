package io.cotoami.gateway.live;

import io.vertx.core.eventbus.ReplyException;

/**
 * What a client is told when coto-service would not open a timeline for it: the problem slug of
 * the {@code error} frame and its detail. coto-service's own words are passed on only for the
 * caller's mistakes (400, 401); everything else, a malformed reply included, says only that the
 * timeline cannot be opened now, so no internal message reaches a client.
 */
record Refusal(String slug, String detail) {
  static final String UNAVAILABLE = "The timeline cannot be opened now; try again shortly.";

  static Refusal of(Throwable failure) {
    int status = LiveSockets.status(failure);
    String said = failure instanceof ReplyException && failure.getMessage() != null ? failure.getMessage() : null;
    return switch (status) {
      // Not shared with you and not there read the same: a refusal never tells a room exists.
      case 403, 404 -> new Refusal("not-found", "No cotonoma here, or it is not shared with you.");
      case 401 -> new Refusal("unauthorized", said != null ? said : "Sign in again to follow this timeline.");
      case 400 -> new Refusal("bad-timeline", said != null ? said : "A timeline is 'home' or 'cotonoma:<key>'.");
      default -> new Refusal("unavailable", UNAVAILABLE);
    };
  }
}
