package io.cotoami.coto.api;

import io.cotoami.common.http.JsonBodies;
import io.cotoami.common.http.Problem;
import io.cotoami.common.http.ProblemException;
import io.vertx.core.json.JsonObject;

/**
 * A validated coto as posted or edited: content is kept exactly as typed (clients render it
 * safely). Unknown fields are ignored; known fields of the wrong type are a 400.
 */
record CotoInput(String content, String summary, String cotonomaKey, String clientId) {
  static final int MAX_CONTENT = 2500;
  static final int MAX_SUMMARY = 200;
  static final int MAX_CLIENT_ID = 64;

  static CotoInput from(JsonObject body) {
    String content = JsonBodies.optionalString(body, "content");
    String summary = JsonBodies.optionalString(body, "summary");
    String cotonomaKey = JsonBodies.optionalString(body, "cotonomaKey");
    String clientId = JsonBodies.optionalString(body, "clientId");
    if (content == null || content.isBlank()) {
      throw invalid("'content' is required and must not be blank.");
    }
    if (content.codePointCount(0, content.length()) > MAX_CONTENT) {
      throw invalid("'content' is longer than " + MAX_CONTENT + " characters.");
    }
    if (summary != null && summary.codePointCount(0, summary.length()) > MAX_SUMMARY) {
      throw invalid("'summary' is longer than " + MAX_SUMMARY + " characters.");
    }
    if (clientId != null && (clientId.isBlank() || clientId.length() > MAX_CLIENT_ID)) {
      throw invalid("'clientId' must be 1 to " + MAX_CLIENT_ID + " characters.");
    }
    if (cotonomaKey != null && cotonomaKey.isBlank()) {
      cotonomaKey = null;
    }
    return new CotoInput(content, summary == null || summary.isBlank() ? null : summary, cotonomaKey, clientId);
  }

  static ProblemException invalid(String detail) {
    return new ProblemException(Problem.validation(detail));
  }
}
