package io.cotoami.gateway.web;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The web client: {@code index.html} for every page address the client knows ({@code /} and
 * {@code /cotonomas/{key}}), and its modules, styles and icons from {@code webroot/}.
 *
 * <p>Caching: every answer is {@code Cache-Control: no-cache} with a validator ({@code ETag} on the
 * page, {@code Last-Modified} on the assets), so a browser always runs the code of the gateway it
 * talks to (modules are never mixed across a deploy) and a revisit costs one 304 per file. The
 * page preloads every module, so those revalidations go out in parallel. Bodies are gzip- or
 * deflate-compressed by the HTTP server when the browser accepts it.
 */
public final class WebClientRoutes {
  /** No inline script or style, nothing from elsewhere but Gravatar avatars. */
  static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
      + "img-src 'self' data: https://www.gravatar.com https://secure.gravatar.com; connect-src 'self'; "
      + "manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
  private static final String INDEX = "webroot/index.html";

  private final Buffer index;
  private final String indexTag;

  private WebClientRoutes(Buffer index) {
    this.index = index;
    this.indexTag = "\"" + sha256(index) + "\"";
  }

  /** Reads the page once, then mounts the page addresses and the assets (last: they match anything). */
  public static Future<Void> mount(Router router, Vertx vertx) {
    return vertx.fileSystem().readFile(INDEX).map(WebClientRoutes::new).map(routes -> {
      router.get("/").handler(routes::page);
      router.get("/cotonomas/:key").handler(routes::page);
      router.route("/*").handler(WebClientRoutes::assetHeaders)
          .handler(StaticHandler.create("webroot").setIndexPage("index.html").setIncludeHidden(false));
      return null;
    });
  }

  private void page(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    securityHeaders(response);
    response.putHeader(HttpHeaders.CACHE_CONTROL, "no-cache").putHeader(HttpHeaders.ETAG, indexTag);
    if (indexTag.equals(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH))) {
      response.setStatusCode(304).end();
      return;
    }
    response.putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8").end(index);
  }

  private static void assetHeaders(RoutingContext ctx) {
    securityHeaders(ctx.response());
    // The static handler writes its own long-lived Cache-Control; ours wins (see the class comment).
    ctx.addHeadersEndHandler(v -> ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, "no-cache"));
    ctx.next();
  }

  static void securityHeaders(HttpServerResponse response) {
    response.putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "same-origin")
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("Cross-Origin-Opener-Policy", "same-origin")
        .putHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
  }

  private static String sha256(Buffer bytes) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes.getBytes());
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 22);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
