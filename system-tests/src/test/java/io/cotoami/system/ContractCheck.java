package io.cotoami.system;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.contract.SecurityRequirement;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.RequestValidator;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.ValidatableResponse;
import io.vertx.openapi.validation.impl.RequestParameterImpl;
import io.vertx.openapi.validation.impl.ValidatableRequestImpl;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Checks one exchange of a test with the gateway against the OpenAPI document: the request as the
 * document describes it (parameters, body, credentials), the answer's status, headers and body
 * against what the document says for that status. A request the document does not allow must be
 * refused with a documented 4xx; a path or method it does not list must be 404 or 405 (with
 * {@code Allow}). An answer to a bearer client sets no cookie.
 */
public final class ContractCheck {
  private final OpenAPIContract contract;
  private final RequestValidator requests;
  private final ResponseValidator responses;

  private ContractCheck(Vertx vertx, OpenAPIContract contract) {
    this.contract = contract;
    this.requests = RequestValidator.create(vertx, contract);
    this.responses = ResponseValidator.create(vertx, contract);
  }

  public static ContractCheck load(Vertx vertx) throws Exception {
    return new ContractCheck(vertx, ApiContract.load(vertx));
  }

  /** One exchange: what was sent and what came back. */
  public record Exchange(HttpMethod method, String uri, MultiMap requestHeaders, Buffer requestBody,
                  Answer response) {
    String path() {
      int query = uri.indexOf('?');
      return query < 0 ? uri : uri.substring(0, query);
    }

    String describe() {
      return method + " " + uri + " → " + response.statusCode() + " " + abbreviated(response.bodyAsString());
    }
  }

  /** What came back: a status, headers and the body as bytes. */
  public record Answer(int statusCode, MultiMap headers, Buffer body) {
    String getHeader(String name) {
      return headers.get(name);
    }

    String bodyAsString() {
      return body == null ? "" : body.toString(StandardCharsets.UTF_8);
    }
  }

  /** Completes with nothing when the exchange keeps the contract, else fails naming every mismatch. */
  public Future<Void> check(Exchange exchange) {
    if (!ApiContract.isApi(exchange.path())) {
      return Future.succeededFuture();
    }
    List<String> mismatches = new ArrayList<>();
    Answer response = exchange.response();
    if (bearer(exchange.requestHeaders()) && !response.headers().getAll("Set-Cookie").isEmpty()) {
      mismatches.add("a cookie was set for a bearer client: " + response.headers().getAll("Set-Cookie"));
    }
    Operation operation = contract.findOperation(exchange.path(), exchange.method());
    if (operation == null) {
      outsideTheDocument(exchange, mismatches);
      return result(exchange, mismatches);
    }
    credentials(exchange, operation, mismatches);
    return requests.validate(request(exchange, operation), operation.getOperationId())
        .map(valid -> (String) null)
        .otherwise(e -> e.getMessage())
        .compose(refusal -> {
          int status = response.statusCode();
          if (refusal != null && (status < 400 || status >= 500)) {
            mismatches.add("the document refuses this request (" + refusal + ") but it was answered " + status);
          }
          if (operation.getResponse(status) == null && operation.getDefaultResponse() == null) {
            mismatches.add("status " + status + " is not documented for " + operation.getOperationId());
            return Future.succeededFuture();
          }
          if (status == 101) {
            return Future.succeededFuture();
          }
          return responses.validate(response(response), operation.getOperationId())
              .<Void>mapEmpty()
              .otherwise(e -> {
                mismatches.add("the answer does not match the document: " + e.getMessage());
                return null;
              });
        })
        .compose(v -> result(exchange, mismatches));
  }

  /** A path the document lacks is 404; a method it lacks on a known path is 405 with Allow. */
  private void outsideTheDocument(Exchange exchange, List<String> mismatches) {
    Answer response = exchange.response();
    boolean knownPath = contract.findPath(exchange.path()) != null;
    int expected = knownPath ? 405 : 404;
    if (response.statusCode() != expected) {
      mismatches.add((knownPath ? "a method" : "a path") + " the document does not list must be " + expected);
    } else if (expected == 405 && response.getHeader("Allow") == null) {
      mismatches.add("a 405 without Allow");
    }
    String type = String.valueOf(response.getHeader("Content-Type"));
    if (!type.startsWith("application/problem+json")) {
      mismatches.add("not a problem: " + type);
    }
  }

  /**
   * Security is exact: a request with none of the credentials an operation accepts is 401 (or 403
   * for the WebSocket's origin check) and never succeeds; one that has them is never refused as
   * not signed in.
   */
  private static void credentials(Exchange exchange, Operation operation, List<String> mismatches) {
    Set<String> presented = presented(exchange.requestHeaders());
    boolean satisfied = operation.getSecurityRequirements().isEmpty()
        || operation.getSecurityRequirements().stream().anyMatch(r -> presented.containsAll(r.getNames()));
    int status = exchange.response().statusCode();
    if (!satisfied && status < 400) {
      mismatches.add("answered " + status + " with credentials " + presented + " that " + operation.getOperationId()
          + " does not accept (" + names(operation.getSecurityRequirements()) + ")");
    }
    if (satisfied && status == 401 && "urn:cotoami:problem:unauthorized".equals(problemType(exchange.response()))) {
      mismatches.add("refused as not signed in, with credentials " + presented + " the document accepts");
    }
  }

  private static List<Set<String>> names(List<SecurityRequirement> requirements) {
    return requirements.stream().map(SecurityRequirement::getNames).toList();
  }

  /** The security schemes of the document that this request presents. */
  private static Set<String> presented(MultiMap headers) {
    Set<String> schemes = new java.util.TreeSet<>();
    if (bearer(headers)) {
      schemes.add("bearer");
    }
    for (String cookie : headers.getAll("Cookie")) {
      for (String pair : cookie.split(";")) {
        String name = pair.trim().split("=", 2)[0];
        if (name.equals("cotoami_session")) {
          schemes.add("sessionCookie");
        } else if (name.equals("anonymous_id")) {
          schemes.add("anonymousCookie");
        }
      }
    }
    return schemes;
  }

  private static boolean bearer(MultiMap headers) {
    String authorization = headers.get("Authorization");
    return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7);
  }

  private static ValidatableRequestImpl request(Exchange exchange, Operation operation) {
    Map<String, RequestParameter> cookies = new HashMap<>();
    Map<String, RequestParameter> headers = new HashMap<>();
    Map<String, RequestParameter> path = new HashMap<>();
    Map<String, RequestParameter> query = new HashMap<>();
    Map<String, List<String>> queryValues = queryOf(exchange.uri());
    String[] template = operation.getOpenAPIPath().split("/");
    String[] actual = exchange.path().split("/");
    for (Parameter parameter : operation.getParameters()) {
      String name = parameter.getName();
      switch (parameter.getIn()) {
        case PATH -> {
          for (int i = 0; i < template.length && i < actual.length; i++) {
            if (template[i].equals("{" + name + "}")) {
              path.put(name, new RequestParameterImpl(decode(actual[i])));
            }
          }
        }
        case QUERY -> {
          List<String> values = queryValues.get(name);
          query.put(name, new RequestParameterImpl(values == null ? null : String.join(",", values)));
        }
        case HEADER -> headers.put(name, new RequestParameterImpl(exchange.requestHeaders().get(name)));
        case COOKIE -> cookies.put(name, new RequestParameterImpl(null));
        default -> { }
      }
    }
    String contentType = exchange.requestHeaders().get("Content-Type");
    RequestParameter body = new RequestParameterImpl(exchange.requestBody() == null || exchange.requestBody().length() == 0
        ? null : exchange.requestBody());
    return new ValidatableRequestImpl(cookies, headers, path, query, body, contentType);
  }

  private static ValidatableResponse response(Answer response) {
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    response.headers().forEach(header -> headers.putIfAbsent(header.getKey(), header.getValue()));
    Buffer body = response.body();
    String mediaType = ApiContract.validatedAs(response.getHeader("Content-Type"));
    if (body == null || body.length() == 0) {
      return ValidatableResponse.create(response.statusCode(), headers);
    }
    return ValidatableResponse.create(response.statusCode(), headers, body, mediaType);
  }

  private static Map<String, List<String>> queryOf(String uri) {
    Map<String, List<String>> values = new HashMap<>();
    int start = uri.indexOf('?');
    if (start < 0) {
      return values;
    }
    for (String pair : uri.substring(start + 1).split("&")) {
      if (!pair.isEmpty()) {
        String[] kv = pair.split("=", 2);
        values.computeIfAbsent(decode(kv[0]), k -> new ArrayList<>()).add(kv.length > 1 ? decode(kv[1]) : "");
      }
    }
    return values;
  }

  private static String decode(String value) {
    try {
      return URLDecoder.decode(value, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return value;
    }
  }

  private static String problemType(Answer response) {
    try {
      return new JsonObject(response.bodyAsString()).getString("type");
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static Future<Void> result(Exchange exchange, List<String> mismatches) {
    if (mismatches.isEmpty()) {
      return Future.succeededFuture();
    }
    return Future.failedFuture(new AssertionError("Not as the OpenAPI document says: " + exchange.describe()
        + "\n  - " + String.join("\n  - ", mismatches)));
  }

  private static String abbreviated(String text) {
    if (text == null) {
      return "";
    }
    String line = text.replace('\n', ' ');
    return line.length() > 300 ? line.substring(0, 300) + "…" : line;
  }
}
