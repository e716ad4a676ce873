package io.cotoami.common.bus;

import io.vertx.core.json.JsonObject;

/**
 * The reply of {@link Addresses#USER_LANGUAGES_GET}: the language a person signed in with last
 * ({@code "ja"}, {@code "en"}), or null when there is no such account or it is not known.
 */
public record UserLanguage(String language) {
  public UserLanguage {
    if (language != null && !language.equals("ja") && !language.equals("en")) {
      throw new IllegalArgumentException("a language is ja, en or null");
    }
  }

  public JsonObject toJson() {
    return new JsonObject().put("language", language);
  }

  public static UserLanguage fromJson(JsonObject json) {
    return new UserLanguage(json == null ? null : json.getString("language"));
  }

  /** The body of the request: whose language. */
  public record Query(String email) {
    public Query {
      if (email == null || email.isBlank()) {
        throw new IllegalArgumentException("a language query needs 'email'");
      }
    }

    public JsonObject toJson() {
      return new JsonObject().put("email", email);
    }

    public static Query fromJson(JsonObject json) {
      return new Query(json == null ? null : json.getString("email"));
    }
  }
}
