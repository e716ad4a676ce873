package io.cotoami.common.bus;

import io.vertx.core.json.JsonObject;

/**
 * The body of {@link Addresses#USER_RENAMES_ANNOUNCE}: auth-service tells coto-service that a
 * person took a new display name, so that every timeline showing them hears of it. The email is
 * how coto-service finds the rooms the person is a member of (members are kept by email); it is
 * never put in an event.
 */
public record UserRename(String userId, String email, String name) {
  public UserRename {
    if (userId == null || userId.isBlank() || email == null || email.isBlank() || name == null || name.isBlank()) {
      throw new IllegalArgumentException("a rename needs 'userId', 'email' and 'name'");
    }
  }

  public JsonObject toJson() {
    return new JsonObject().put("userId", userId).put("email", email).put("name", name);
  }

  public static UserRename fromJson(JsonObject json) {
    if (json == null) {
      throw new IllegalArgumentException("a rename needs a body");
    }
    return new UserRename(json.getString("userId"), json.getString("email"), json.getString("name"));
  }
}
