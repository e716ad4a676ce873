package io.cotoami.common.http;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Reads a JSON object body with clear problems for the wrong media type, garbage or the wrong shape. */
public final class JsonBodies {
  private JsonBodies() {
  }

  public static JsonObject object(RoutingContext ctx) {
    String contentType = ctx.request().getHeader("Content-Type");
    if (contentType == null || !contentType.toLowerCase().startsWith("application/json")) {
      throw new ProblemException(Problem.of(415, "unsupported-media-type", "Unsupported media type",
          "Send the body as application/json."));
    }
    try {
      Object value = ctx.body().asJsonObject();
      if (value == null) {
        throw new ProblemException(Problem.badRequest("The request body is empty; a JSON object is expected."));
      }
      return (JsonObject) value;
    } catch (DecodeException | ClassCastException e) {
      throw new ProblemException(Problem.of(400, "malformed-json", "Malformed JSON",
          "The request body is not a valid JSON object."));
    }
  }

  /** An optional string field; a value of another type is a 400, not a silent null. */
  public static String optionalString(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String)) {
      throw new ProblemException(Problem.validation("'" + field + "' must be a string."));
    }
    return (String) value;
  }
}
