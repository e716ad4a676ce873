package io.cotoami.coto.api;

import io.cotoami.common.http.JsonBodies;
import io.cotoami.common.http.Problem;
import io.cotoami.common.http.ProblemException;
import io.vertx.core.json.JsonObject;

/** A validated coto as posted: content is kept exactly as typed (clients render it safely). */
record CotoInput(String content, String summary) {
  static final int MAX_CONTENT = 2500;
  static final int MAX_SUMMARY = 200;

  static CotoInput from(JsonObject body) {
    String content = JsonBodies.optionalString(body, "content");
    String summary = JsonBodies.optionalString(body, "summary");
    if (content == null || content.isBlank()) {
      throw new ProblemException(Problem.validation("'content' is required and must not be blank."));
    }
    if (content.codePointCount(0, content.length()) > MAX_CONTENT) {
      throw new ProblemException(Problem.validation("'content' is longer than " + MAX_CONTENT + " characters."));
    }
    if (summary != null && summary.codePointCount(0, summary.length()) > MAX_SUMMARY) {
      throw new ProblemException(Problem.validation("'summary' is longer than " + MAX_SUMMARY + " characters."));
    }
    return new CotoInput(content, summary == null || summary.isBlank() ? null : summary);
  }
}
