package io.cotoami.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cotoami.common.session.SameOrigin;
import io.cotoami.gateway.proxy.UpstreamRoutes;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.contract.Response;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Every operation documents the refusals the system really sends it, derived from the document
 * (security, request body) and the gateway's own rules: its routing table ({@link UpstreamRoutes})
 * says which paths go through the gateway's {@code /api/*} chain to a service (same-origin check,
 * revocations current, body limit, then the proxy), and {@link SameOrigin} itself says which
 * methods it refuses from another site.
 */
class RefusalsDocumentedTest {
  private static final SameOrigin SAME_ORIGIN = SameOrigin.of(URI.create("http://localhost:8080"), null);
  private static Vertx vertx;
  private static String document;

  @BeforeAll
  static void load() throws Exception {
    vertx = Vertx.vertx();
    try (InputStream in = RefusalsDocumentedTest.class.getClassLoader().getResourceAsStream(ApiContract.DOCUMENT)) {
      document = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @AfterAll
  static void close() throws Exception {
    Http.await(vertx.close());
  }

  /** What every operation of this document fails to document of what the system sends it. */
  private static List<String> undocumented(String yaml) throws Exception {
    OpenAPIContract contract = ApiContract.load(vertx, yaml);
    List<String> missing = new ArrayList<>();
    for (Operation operation : contract.operations()) {
      String name = operation.getHttpMethod() + " " + operation.getOpenAPIPath();
      List<String> expected = new ArrayList<>();
      // Security without {} excludes a request with no credentials: the services answer it 401.
      boolean anonymousAllowed = operation.getSecurityRequirements().stream().anyMatch(r -> r.isEmpty());
      if (!anonymousAllowed) {
        expected.add("401");
      }
      // A body to read: not JSON is 415 (JsonBodies), malformed is 400.
      if (operation.getRequestBody() != null && operation.getRequestBody().getContent().containsKey("application/json")) {
        expected.add("400");
        expected.add("415");
        expected.add("413");
      }
      String path = operation.getOpenAPIPath();
      if (UpstreamRoutes.serviceFor(path).isPresent()) {
        // Forwarded: no ready instance or a store down is 503, a service too slow 504.
        expected.add("503");
        expected.add("504");
        if (path.startsWith("/api/")) {
          // The gateway's /api/* chain: what SameOrigin refuses from another site is 403
          // cross-site-request, and a write's declared body over the limit is 413.
          if (!SAME_ORIGIN.allows(request(operation.getHttpMethod(), "https://evil.example"))) {
            expected.add("403");
            expected.add("413");
          }
        }
      }
      for (String status : expected) {
        if (operation.getResponse(Integer.parseInt(status)) == null) {
          missing.add(name + " does not document " + status);
        }
      }
      for (int status : new int[] {429, 503}) {
        Response response = operation.getResponse(status);
        if (response != null && response.getHeaders().stream().map(Parameter::getName)
            .noneMatch("Retry-After"::equalsIgnoreCase)) {
          missing.add(name + " documents " + status + " without Retry-After");
        }
      }
    }
    return missing.stream().distinct().toList();
  }

  /** A request as the gateway sees it, with only a method and an Origin. */
  private static HttpServerRequest request(HttpMethod method, String origin) {
    return (HttpServerRequest) Proxy.newProxyInstance(HttpServerRequest.class.getClassLoader(),
        new Class<?>[] {HttpServerRequest.class}, (proxy, called, args) -> switch (called.getName()) {
          case "method" -> method;
          case "getHeader" -> "Origin".equalsIgnoreCase(String.valueOf(args[0])) ? origin : null;
          case "toString" -> method + " from " + origin;
          default -> called.getReturnType() == boolean.class ? false : null;
        });
  }

  @Test
  @DisplayName("Every operation documents 401 when its security excludes anonymous callers, 400/413/415 when it reads a JSON body, 503/504 when the gateway forwards it, 403 and 413 when the gateway's same-origin check guards it, and Retry-After on 429 and 503")
  void refusalsAreDocumented() throws Exception {
    assertTrue(SAME_ORIGIN.allows(request(HttpMethod.GET, "https://evil.example"))
        && !SAME_ORIGIN.allows(request(HttpMethod.DELETE, "https://evil.example"))
        && SAME_ORIGIN.allows(request(HttpMethod.DELETE, "http://localhost:8080")), "the fake request is read as real");
    assertEquals(List.of(), undocumented(document));
  }

  @Test
  @DisplayName("The check is not blind: a copy of the document missing a write's 413, a 401, a 415 or a Retry-After is caught")
  void brokenCopiesAreCaught() throws Exception {
    String deleteCoto = "operationId: deleteCoto";
    assertTrue(undocumented(without(deleteCoto, "'413'")).contains("DELETE /api/cotos/{id} does not document 413"));
    assertTrue(undocumented(without("operationId: myCotonomas", "'401'"))
        .contains("GET /api/cotonomas does not document 401"));
    assertTrue(undocumented(without("operationId: editCoto", "'415'"))
        .contains("PUT /api/cotos/{id} does not document 415"));
    assertTrue(undocumented(without(deleteCoto, "'403'")).contains("DELETE /api/cotos/{id} does not document 403"));
    String noRetry = document.replace("      headers:\n        Retry-After: {$ref: '#/components/headers/RetryAfter'}\n",
        "");
    assertTrue(undocumented(noRetry).contains("POST /api/cotos documents 429 without Retry-After"));
  }

  /** The document with the first line holding {@code status} after {@code marker} taken out. */
  private static String without(String marker, String status) {
    int at = document.indexOf(marker);
    assertTrue(at > 0, marker);
    int line = document.lastIndexOf('\n', document.indexOf(status + ":", at)) + 1;
    return document.substring(0, line) + document.substring(document.indexOf('\n', line) + 1);
  }
}
