package io.cotoami.coto.events;

import io.cotoami.common.bus.Addresses;
import io.cotoami.common.bus.BusHeaders;
import io.cotoami.common.bus.FailureCodes;
import io.cotoami.common.bus.UserRename;
import io.cotoami.coto.domain.Authors;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers auth-service after a person changed their display name ({@link Addresses#USER_RENAMES_ANNOUNCE}):
 * every timeline showing them hears {@code user-renamed} ({@link Authors#renamed}).
 */
public final class UserRenamesVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(UserRenamesVerticle.class);
  private final Authors authors;

  public UserRenamesVerticle(Authors authors) {
    this.authors = authors;
  }

  @Override
  public Future<?> start() {
    return vertx.eventBus().<JsonObject>consumer(Addresses.USER_RENAMES_ANNOUNCE, this::announce).completion();
  }

  private void announce(Message<JsonObject> message) {
    UserRename rename;
    try {
      rename = UserRename.fromJson(message.body());
      java.util.UUID.fromString(rename.userId());
    } catch (IllegalArgumentException e) {
      message.fail(FailureCodes.BAD_REQUEST, "A rename needs a user id, an email and a name.");
      return;
    }
    String requestId = BusHeaders.requestId(message);
    authors.renamed(rename, requestId)
        .onSuccess(count -> message.reply(new JsonObject().put("timelines", count)))
        .onFailure(e -> {
          LOG.atWarn().addKeyValue("requestId", requestId).log("Announcing a rename failed: {}", e.toString());
          message.fail(FailureCodes.UNAVAILABLE, "The rename could not be announced now.");
        });
  }
}
