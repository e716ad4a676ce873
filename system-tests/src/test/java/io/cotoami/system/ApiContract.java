package io.cotoami.system;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The public API as two sets of {@code METHOD /path/{param}}: what the OpenAPI document the gateway
 * serves lists, and what the routers of the gateway and the services serve. Management routes
 * (health, metrics, debug), dev-mode routes and the web page are not part of the API.
 */
public final class ApiContract {
  /** The document in the gateway's jar, as the gateway serves it. */
  static final String DOCUMENT = "webroot/openapi.yaml";
  private static final Pattern PARAM = Pattern.compile(":([A-Za-z0-9_]+)");
  private static final List<String> NOT_API = List.of("/health/", "/metrics", "/debug", "/api/debug/",
      "/api/instances", "/dev/");

  private ApiContract() {
  }

  /**
   * Loads and validates the document (vertx-openapi checks it against the OpenAPI 3.1 schema).
   * vertx-openapi validates only a few media types: problem+json is checked as the JSON it is, and
   * the HTML page as text (see {@link #validatedAs}).
   */
  static OpenAPIContract load(Vertx vertx) throws Exception {
    String yaml;
    try (InputStream in = ApiContract.class.getClassLoader().getResourceAsStream(DOCUMENT)) {
      yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    return load(vertx, yaml);
  }

  /** Loads and validates this text of the document (a test's deliberately broken copy, say). */
  static OpenAPIContract load(Vertx vertx, String yaml) throws Exception {
    Map<String, Object> tree = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
    return Http.await(OpenAPIContract.from(vertx, (JsonObject) mapMediaTypes(new JsonObject(tree))));
  }

  /** The media type vertx-openapi validates a body of this media type as. */
  static String validatedAs(String mediaType) {
    String type = mediaType == null ? "" : mediaType.split(";")[0].trim().toLowerCase(java.util.Locale.ROOT);
    switch (type) {
      case "application/problem+json": return "application/json";
      case "text/html": return "text/plain";
      default: return type;
    }
  }

  private static Object mapMediaTypes(Object node) {
    if (node instanceof JsonObject object) {
      JsonObject copy = new JsonObject();
      object.forEach(entry -> {
        Object value = mapMediaTypes(entry.getValue());
        if ("content".equals(entry.getKey()) && value instanceof JsonObject media) {
          JsonObject renamed = new JsonObject();
          // vertx-openapi cannot apply a schema to a text body: the page is checked by media type only.
          media.forEach(m -> renamed.put(validatedAs(m.getKey()),
              m.getKey().startsWith("text/") ? new JsonObject() : m.getValue()));
          value = renamed;
        }
        copy.put(entry.getKey(), value);
      });
      return copy;
    }
    if (node instanceof JsonArray array) {
      JsonArray copy = new JsonArray();
      array.forEach(item -> copy.add(mapMediaTypes(item)));
      return copy;
    }
    return node;
  }

  static Set<String> documented(OpenAPIContract contract) {
    Set<String> operations = new TreeSet<>();
    for (Operation operation : contract.operations()) {
      operations.add(operation.getHttpMethod().name() + " " + operation.getOpenAPIPath());
    }
    return operations;
  }

  /** Every route of these routers bound to a method and an exact path (or a path with parameters). */
  static Set<String> served(Router... routers) {
    Set<String> operations = new TreeSet<>();
    for (Router router : routers) {
      for (Route route : router.getRoutes()) {
        String path = route.getPath();
        Set<HttpMethod> methods = route.methods();
        if (path == null || !route.isExactPath() || methods == null || methods.isEmpty() || !isApi(path)) {
          continue;
        }
        Matcher param = PARAM.matcher(path);
        String template = param.replaceAll("{$1}");
        methods.forEach(method -> operations.add(method.name() + " " + template));
      }
    }
    return operations;
  }

  public static boolean isApi(String path) {
    if (!path.startsWith("/api/") && !path.startsWith("/signin/")) {
      return false;
    }
    return NOT_API.stream().noneMatch(path::startsWith);
  }
}
