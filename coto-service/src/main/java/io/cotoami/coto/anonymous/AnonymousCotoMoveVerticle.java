package io.cotoami.coto.anonymous;

import io.cotoami.common.bus.Addresses;
import io.cotoami.common.bus.BusHeaders;
import io.cotoami.common.bus.FailureCodes;
import io.cotoami.common.session.AnonymousMove;
import io.cotoami.coto.domain.Caller;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At sign-in, with "Save the anonymous cotos into your account" ticked, auth-service asks us to
 * move a visitor's anonymous cotos into the user's home ({@link AnonymousCotos#moveInto}: in
 * pages, exactly once). Body {@code {"anonymousId", "userId"}}; reply {@code {"moved": n}}.
 */
public final class AnonymousCotoMoveVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(AnonymousCotoMoveVerticle.class);
  private final AnonymousCotos anonymous;

  public AnonymousCotoMoveVerticle(AnonymousCotos anonymous) {
    this.anonymous = anonymous;
  }

  @Override
  public Future<?> start() {
    return vertx.eventBus().<JsonObject>consumer(Addresses.ANONYMOUS_COTOS_MOVE, this::move).completion();
  }

  private void move(Message<JsonObject> message) {
    AnonymousMove move;
    try {
      move = AnonymousMove.fromJson(message.body());
    } catch (IllegalArgumentException e) {
      message.fail(FailureCodes.BAD_REQUEST, e.getMessage());
      return;
    }
    UUID userId = move.userId();
    String requestId = BusHeaders.requestId(message);
    anonymous.moveInto(new Caller(userId, null), move.visitor(), requestId)
        .onSuccess(moved -> {
          LOG.atInfo().addKeyValue("requestId", requestId).log("Moved {} anonymous coto(s) into user {}", moved, userId);
          message.reply(new AnonymousMove.Moved(moved).toJson());
        })
        .onFailure(e -> {
          LOG.atWarn().addKeyValue("requestId", requestId).log("Moving anonymous cotos failed: {}", e.toString());
          message.fail(FailureCodes.UNAVAILABLE, "The anonymous cotos could not be moved now; signing in again retries.");
        });
  }
}
