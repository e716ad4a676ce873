package io.cotoami.coto.api;

import io.cotoami.common.http.JsonBodies;
import io.cotoami.coto.domain.Caller;
import io.vertx.core.json.JsonObject;
import java.util.regex.Pattern;

/** A member's email, normalized (trimmed, lower-cased) as memberships are matched. */
final class MemberInput {
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+");
  static final int MAX_EMAIL = 254;

  private MemberInput() {
  }

  static String email(JsonObject body) {
    return email(JsonBodies.optionalString(body, "email"));
  }

  static String email(String raw) {
    String email = Caller.normalizeEmail(raw);
    if (email == null || email.length() > MAX_EMAIL || !EMAIL.matcher(email).matches()) {
      throw CotoInput.invalid("'email' must be an email address.");
    }
    return email;
  }
}
