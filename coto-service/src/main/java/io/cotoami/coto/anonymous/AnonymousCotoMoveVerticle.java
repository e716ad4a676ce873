package io.cotoami.coto.anonymous;

import io.cotoami.common.bus.Addresses;
import io.cotoami.common.bus.BusHeaders;
import io.cotoami.common.bus.FailureCodes;
import io.cotoami.coto.domain.Caller;
import io.cotoami.coto.domain.Cotos;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At sign-in, with "Save the anonymous cotos into your account" ticked, auth-service asks us to
 * move a visitor's anonymous cotos into the user's home. They are posted in their order, each
 * with the client id {@code anon:<its id>}: the unique (author, client id) constraint makes a
 * retried or concurrent move insert nothing twice. The Redis copy is forgotten only after every
 * coto is in PostgreSQL, so a move cut short is finished by the next one.
 */
public final class AnonymousCotoMoveVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(AnonymousCotoMoveVerticle.class);
  private final AnonymousCotoRepository anonymous;
  private final Cotos cotos;

  public AnonymousCotoMoveVerticle(AnonymousCotoRepository anonymous, Cotos cotos) {
    this.anonymous = anonymous;
    this.cotos = cotos;
  }

  @Override
  public Future<?> start() {
    return vertx.eventBus().<JsonObject>consumer(Addresses.ANONYMOUS_COTOS_MOVE, this::move).completion();
  }

  private void move(Message<JsonObject> message) {
    JsonObject body = message.body();
    String anonymousId = body == null ? null : body.getString("anonymousId");
    UUID userId;
    try {
      userId = UUID.fromString(body == null ? "" : String.valueOf(body.getString("userId")));
    } catch (IllegalArgumentException e) {
      message.fail(FailureCodes.BAD_REQUEST, "'userId' must be a user id");
      return;
    }
    if (anonymousId == null || !anonymousId.matches("[A-Za-z0-9_-]{22}")) {
      message.fail(FailureCodes.BAD_REQUEST, "'anonymousId' is not an anonymous id");
      return;
    }
    String requestId = BusHeaders.requestId(message);
    Caller owner = new Caller(userId, null);
    anonymous.oldestFirst(anonymousId)
        .compose(list -> postInOrder(owner, list, 0, requestId).map(list.size()))
        .compose(moved -> anonymous.forget(anonymousId).map(moved))
        .onSuccess(moved -> {
          LOG.atInfo().addKeyValue("requestId", requestId).log("Moved {} anonymous coto(s) into user {}", moved, userId);
          message.reply(new JsonObject().put("moved", moved));
        })
        .onFailure(e -> {
          LOG.atWarn().addKeyValue("requestId", requestId).log("Moving anonymous cotos failed: {}", e.toString());
          message.fail(FailureCodes.UNAVAILABLE, "The anonymous cotos could not be moved now; signing in again retries.");
        });
  }

  private Future<Void> postInOrder(Caller owner, List<AnonymousCoto> list, int index, String requestId) {
    if (index == list.size()) {
      return Future.succeededFuture();
    }
    AnonymousCoto coto = list.get(index);
    return cotos.post(owner, coto.content(), coto.summary(), null, "anon:" + coto.id(), requestId)
        .compose(posted -> postInOrder(owner, list, index + 1, requestId));
  }
}
