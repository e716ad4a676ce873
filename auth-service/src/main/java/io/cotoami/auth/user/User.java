package io.cotoami.auth.user;

import io.cotoami.common.http.Timestamps;
import io.cotoami.common.session.Gravatar;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.UUID;

/** A person who signed in at least once. The email is normalised (trimmed, lower-case). */
public record User(UUID id, String email, String name, Instant createdAt) {

  /** Gravatar's image for the email (no call needed to show it). */
  public String avatarUrl() {
    return Gravatar.url(email);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id.toString())
        .put("email", email)
        .put("name", name)
        .put("avatarUrl", avatarUrl())
        .put("createdAt", Timestamps.format(createdAt));
  }
}
