package io.cotoami.coto.api;

import io.cotoami.common.http.JsonBodies;
import io.vertx.core.json.JsonObject;

/** A validated cotonoma name (trimmed, 1 to 50 characters) and optional parent. */
record CotonomaInput(String name, String parentKey) {
  static final int MAX_NAME = io.cotoami.coto.domain.Cotonomas.MAX_NAME;

  static CotonomaInput from(JsonObject body) {
    String name = JsonBodies.optionalString(body, "name");
    String parentKey = JsonBodies.optionalString(body, "parentKey");
    if (name == null || name.isBlank()) {
      throw CotoInput.invalid("'name' is required and must not be blank.");
    }
    name = name.strip();
    if (name.codePointCount(0, name.length()) > MAX_NAME) {
      throw CotoInput.invalid("'name' is longer than " + MAX_NAME + " characters.");
    }
    return new CotonomaInput(name, parentKey == null || parentKey.isBlank() ? null : parentKey);
  }
}
