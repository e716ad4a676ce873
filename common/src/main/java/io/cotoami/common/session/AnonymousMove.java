package io.cotoami.common.session;

import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * The body of {@code Addresses.ANONYMOUS_COTOS_MOVE}: auth-service asks coto-service, at sign-in,
 * to move the cotos of the browser's anonymous id into the person's home. Refused on the way in
 * when either id is not well formed.
 */
public record AnonymousMove(AnonymousId visitor, UUID userId) {
  public AnonymousMove {
    if (visitor == null || userId == null) {
      throw new IllegalArgumentException("a move needs 'anonymousId' and 'userId'");
    }
  }

  public JsonObject toJson() {
    return new JsonObject().put("anonymousId", visitor.value()).put("userId", userId.toString());
  }

  /** Reads a move; {@link IllegalArgumentException} naming the field that is missing or malformed. */
  public static AnonymousMove fromJson(JsonObject json) {
    JsonObject body = json == null ? new JsonObject() : json;
    UUID user;
    try {
      user = UUID.fromString(String.valueOf(body.getValue("userId")));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'userId' must be a user id");
    }
    AnonymousId visitor = AnonymousId.parse(body.getValue("anonymousId") instanceof String raw ? raw : null)
        .orElseThrow(() -> new IllegalArgumentException("'anonymousId' is not an anonymous id"));
    return new AnonymousMove(visitor, user);
  }

  /** The reply: how many cotos were moved. */
  public record Moved(int moved) {
    public JsonObject toJson() {
      return new JsonObject().put("moved", moved);
    }

    public static Moved fromJson(JsonObject json) {
      Integer moved = json == null ? null : json.getInteger("moved");
      if (moved == null || moved < 0) {
        throw new IllegalArgumentException("a move's reply needs 'moved', a count");
      }
      return new Moved(moved);
    }
  }
}
