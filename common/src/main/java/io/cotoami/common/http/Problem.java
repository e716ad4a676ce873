package io.cotoami.common.http;

import io.vertx.core.json.JsonObject;

/**
 * An RFC 9457 problem. {@code type} is stable and documented (docs/api.md); {@code detail} is for
 * people and never carries internals (no exception messages, no stack traces).
 *
 * @param pointer an extension member: the JSON Pointer of the part of the request at fault (the first
 *                bad record of an imported document), or null
 */
public record Problem(String type, String title, int status, String detail, String pointer) {
  public static final String CONTENT_TYPE = "application/problem+json";
  private static final String TYPE_PREFIX = "urn:cotoami:problem:";

  public static Problem of(int status, String slug, String title, String detail) {
    return new Problem(TYPE_PREFIX + slug, title, status, detail, null);
  }

  /** The same problem, naming the part of the request at fault. */
  public Problem at(String jsonPointer) {
    return new Problem(type, title, status, detail, jsonPointer);
  }

  public static Problem badRequest(String detail) {
    return of(400, "bad-request", "Bad request", detail);
  }

  public static Problem validation(String detail) {
    return of(400, "validation", "Invalid input", detail);
  }

  public static Problem notFound(String detail) {
    return of(404, "not-found", "Not found", detail);
  }

  public static Problem unavailable(String detail) {
    return of(503, "service-unavailable", "Service unavailable", detail);
  }

  /** The generic body of every unexpected failure; the cause is only logged, with the request id. */
  public static Problem internal() {
    return of(500, "internal", "Internal error", "Something went wrong on our side. Please try again.");
  }

  public JsonObject toJson(String requestId) {
    JsonObject json = new JsonObject().put("type", type).put("title", title).put("status", status);
    if (detail != null) {
      json.put("detail", detail);
    }
    if (pointer != null) {
      json.put("pointer", pointer);
    }
    if (requestId != null) {
      json.put("requestId", requestId);
    }
    return json;
  }
}
