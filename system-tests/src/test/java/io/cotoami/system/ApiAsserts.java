package io.cotoami.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;

/** What the system tests check of the public API's answers, written once. */
final class ApiAsserts {
  private ApiAsserts() {
  }

  /** A problem+json answer of this status and type, that shows no internals. */
  static void assertProblem(HttpResponse<Buffer> response, int status, String slug) {
    assertEquals(status, response.statusCode(), response.bodyAsString());
    assertEquals("application/problem+json", response.getHeader("Content-Type"));
    assertEquals("urn:cotoami:problem:" + slug, response.bodyAsJsonObject().getString("type"),
        response.bodyAsString());
    assertFalse(response.bodyAsString().contains("Exception"), "no internals");
  }

  /** The contents of a page of cotos, in order. */
  /** The body of a 201, failing with the answer when it is anything else. */
  static JsonObject created(HttpResponse<Buffer> response) {
    assertEquals(201, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  static List<String> contents(JsonArray cotos) {
    return cotos.stream().map(c -> ((JsonObject) c).getString("content")).toList();
  }

  /** The names of a list of cotonomas (or references to them), in order. */
  static List<String> names(JsonArray cotonomas) {
    return cotonomas.stream().map(c -> ((JsonObject) c).getString("name")).toList();
  }
}
