package io.cotoami.auth.user;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.UUID;

/** A person who signed in at least once. The email is normalised (trimmed, lower-case). */
public record User(UUID id, String email, String name, Instant createdAt) {

  /**
   * Gravatar's image for the email: the URL is derived from the SHA-256 of the normalised address,
   * so rendering it needs no call from us; Gravatar shows an identicon for unknown addresses.
   */
  public String avatarUrl() {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(email.getBytes(StandardCharsets.UTF_8));
      return "https://www.gravatar.com/avatar/" + HexFormat.of().formatHex(hash) + "?d=identicon";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id.toString())
        .put("email", email)
        .put("name", name)
        .put("avatarUrl", avatarUrl())
        .put("createdAt", createdAt.toString());
  }
}
