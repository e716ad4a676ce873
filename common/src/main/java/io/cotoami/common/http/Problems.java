package io.cotoami.common.http;

import io.cotoami.common.bus.FailureCodes;
import io.cotoami.common.failure.Failures;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Renders every error of a router as problem+json: the right status, a stable type, no internals. */
public final class Problems {
  private static final Logger LOG = LoggerFactory.getLogger(Problems.class);

  private Problems() {
  }

  public static void send(RoutingContext ctx, Problem problem) {
    HttpServerResponse response = ctx.response();
    if (response.headWritten()) {
      ctx.request().connection().close();
      return;
    }
    response.setStatusCode(problem.status()).putHeader("Content-Type", Problem.CONTENT_TYPE);
    // A handler that knows better (a quota, a full store) has set its own Retry-After already.
    if (problem.status() == 503 && !response.headers().contains("Retry-After")) {
      response.putHeader("Retry-After", "1");
    }
    response.end(problem.toJson(RequestIds.of(ctx)).encode());
  }

  /** Installs the failure handler and the 404/405 handlers on a router. */
  public static void install(Router router) {
    router.route().failureHandler(Problems::handleFailure);
    router.errorHandler(404, ctx -> send(ctx, Problem.notFound("No resource at " + safePath(ctx))));
    router.errorHandler(405, ctx -> {
      String allow = allowed(router, ctx.normalizedPath());
      if (!allow.isEmpty()) {
        ctx.response().putHeader("Allow", allow);
      }
      send(ctx, Problem.of(405, "method-not-allowed", "Method not allowed",
          ctx.request().method() + " is not allowed here" + (allow.isEmpty() ? "" : "; allowed: " + allow)));
    });
  }

  /** The methods the router's routes bind to this path ({@code Allow} of a 405, RFC 9110). */
  static String allowed(Router router, String path) {
    Set<String> methods = new TreeSet<>();
    for (Route route : router.getRoutes()) {
      String template = route.getPath();
      if (template == null || route.methods() == null || route.methods().isEmpty() || path == null) {
        continue;
      }
      String regex = Arrays.stream(template.split("/", -1))
          .map(segment -> segment.startsWith(":") ? "[^/]+" : Pattern.quote(segment))
          .collect(Collectors.joining("/")) + (route.isExactPath() ? "/?" : ".*");
      if (path.matches(regex)) {
        route.methods().forEach(method -> methods.add(method.name()));
      }
    }
    return String.join(", ", methods);
  }

  public static Handler<RoutingContext> failureHandler() {
    return Problems::handleFailure;
  }

  static void handleFailure(RoutingContext ctx) {
    send(ctx, toProblem(ctx));
  }

  static Problem toProblem(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof ProblemException) {
      return ((ProblemException) failure).problem();
    }
    if (failure instanceof DecodeException) {
      return Problem.of(400, "malformed-json", "Malformed JSON", "The request body is not valid JSON.");
    }
    if (failure instanceof ReplyException) {
      return fromReply(ctx, (ReplyException) failure);
    }
    int status = failure instanceof HttpException ? ((HttpException) failure).getStatusCode() : ctx.statusCode();
    switch (status) {
      case 400: return Problem.badRequest("The request could not be understood.");
      case 401: return Problem.of(401, "unauthorized", "Unauthorized", "Sign in first.");
      case 403: return Problem.of(403, "forbidden", "Forbidden", "This request is not allowed.");
      case 404: return Problem.notFound("No resource at " + safePath(ctx));
      case 413: return Problem.of(413, "payload-too-large", "Payload too large", "The request body is over the size limit.");
      case 415: return Problem.of(415, "unsupported-media-type", "Unsupported media type",
          "Send the body as application/json.");
      default:
        if (status >= 400 && status < 500) {
          return Problem.of(status, "client-error", "Request refused", null);
        }
        if (Failures.unavailable(failure)) {
          LOG.atWarn().addKeyValue("requestId", RequestIds.of(ctx))
              .log("A dependency is unreachable on {} {}: {}", ctx.request().method(), safePath(ctx), failure);
          return Problem.unavailable("A store this request needs is unreachable. Please retry shortly.");
        }
        LOG.atError().addKeyValue("requestId", RequestIds.of(ctx)).setCause(failure)
            .log("Unhandled failure on {} {}", ctx.request().method(), safePath(ctx));
        return Problem.internal();
    }
  }

  private static Problem fromReply(RoutingContext ctx, ReplyException reply) {
    int status = FailureCodes.httpStatus(reply);
    if (status == 504) {
      return Problem.of(504, "upstream-timeout", "Upstream timeout", "A service did not answer in time.");
    }
    if (status == 503) {
      return Problem.unavailable("A service this request needs is unavailable. Please retry shortly.");
    }
    if (status >= 500) {
      LOG.atError().addKeyValue("requestId", RequestIds.of(ctx)).log("Bus request failed: {}", reply.getMessage());
      return Problem.internal();
    }
    // 4xx replies carry a message written for people by the service that refused.
    return Problem.of(status, slugFor(status), titleFor(status), reply.getMessage());
  }

  private static String slugFor(int status) {
    switch (status) {
      case 404: return "not-found";
      case 409: return "conflict";
      case 401: return "unauthorized";
      case 403: return "forbidden";
      case 429: return "too-many-requests";
      default: return "bad-request";
    }
  }

  private static String titleFor(int status) {
    switch (status) {
      case 404: return "Not found";
      case 409: return "Conflict";
      case 401: return "Unauthorized";
      case 403: return "Forbidden";
      case 429: return "Too many requests";
      default: return "Bad request";
    }
  }

  private static String safePath(RoutingContext ctx) {
    return Redaction.uri(ctx.request().path());
  }
}
