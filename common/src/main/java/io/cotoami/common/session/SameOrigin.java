package io.cotoami.common.session;

import io.cotoami.common.http.Problem;
import io.cotoami.common.http.Problems;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Refuses cross-site state-changing requests (CSRF): a {@code POST}, {@code PUT}, {@code PATCH} or
 * {@code DELETE} whose {@code Origin} is not one of ours, or whose {@code Sec-Fetch-Site} says
 * another site sent it, gets a 403 problem. A request that carries the session cookie (and no
 * bearer token) must prove it is same-origin with one of the two headers, which every current
 * browser sends; clients that are not browsers (mobile, curl) send neither and authenticate with
 * {@code Authorization: Bearer}, which no other site can make a browser send.
 */
public final class SameOrigin implements Handler<RoutingContext> {
  private final Set<String> allowed;

  private SameOrigin(Set<String> allowed) {
    this.allowed = allowed;
  }

  /**
   * @param publicUrl      where people reach Cotoami; its origin is always allowed
   * @param allowedOrigins more origins ({@code scheme://host[:port]}), comma-separated; may be null
   */
  public static SameOrigin of(URI publicUrl, String allowedOrigins) {
    Set<String> origins = new LinkedHashSet<>();
    origins.add(origin(publicUrl));
    if (allowedOrigins != null) {
      Arrays.stream(allowedOrigins.split(",")).map(String::trim).filter(s -> !s.isEmpty())
          .map(s -> origin(URI.create(s))).forEach(origins::add);
    }
    return new SameOrigin(Set.copyOf(origins));
  }

  /** The names of this machine's loopback interface, as a browser writes them in an Origin. */
  private static final java.util.List<String> LOOPBACK = java.util.List.of("localhost", "127.0.0.1", "[::1]");

  /**
   * {@code allowedOrigins} plus, in dev mode only, the loopback aliases of a loopback
   * {@code publicUrl} (same scheme and port): a page opened at {@code http://127.0.0.1:8080/}
   * when PUBLIC_URL says {@code localhost} is the same site. Nothing changes outside dev mode, or
   * when PUBLIC_URL is not a loopback address (no other host is ever added).
   */
  public static String withDevAliases(URI publicUrl, String allowedOrigins, boolean devMode) {
    String host = publicUrl.getHost() == null ? "" : publicUrl.getHost().toLowerCase(Locale.ROOT);
    if (!devMode || !LOOPBACK.contains(host)) {
      return allowedOrigins;
    }
    StringBuilder origins = new StringBuilder(allowedOrigins == null ? "" : allowedOrigins);
    for (String alias : LOOPBACK) {
      if (!alias.equals(host)) {
        origins.append(origins.length() == 0 ? "" : ",").append(publicUrl.getScheme()).append("://").append(alias)
            .append(publicUrl.getPort() < 0 ? "" : ":" + publicUrl.getPort());
      }
    }
    return origins.toString();
  }

  /** {@code scheme://host[:port]}, lower-case, without a default port. */
  public static String origin(URI uri) {
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    int port = uri.getPort();
    boolean defaultPort = port < 0 || scheme.equals("http") && port == 80 || scheme.equals("https") && port == 443;
    return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
  }

  public Set<String> allowed() {
    return allowed;
  }

  /**
   * Whether an {@code Origin} header names one of our origins. Anything that is not a
   * {@code scheme://host[:port]} URL, such as a port that is not a number, is simply not ours.
   */
  public boolean allowsOrigin(String origin) {
    return origin != null && !origin.equals("null") && allowed.contains(normalize(origin));
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (allows(ctx.request())) {
      ctx.next();
    } else {
      Problems.send(ctx, Problem.of(403, "cross-site-request", "Cross-site request refused",
          "This request must come from a page of this site."));
    }
  }

  public boolean allows(HttpServerRequest request) {
    HttpMethod method = request.method();
    if (method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.OPTIONS) {
      return true;
    }
    String origin = request.getHeader("Origin");
    if (origin != null && !origin.equals("null")) {
      return allowsOrigin(origin);
    }
    String fetchSite = request.getHeader("Sec-Fetch-Site");
    if (fetchSite != null) {
      return fetchSite.equalsIgnoreCase("same-origin") || fetchSite.equalsIgnoreCase("none");
    }
    if (origin != null) {
      return false;
    }
    // Neither header: not a browser, unless it relies on the browser's cookie.
    return !cookieAuthenticated(request);
  }

  private static boolean cookieAuthenticated(HttpServerRequest request) {
    return SessionVerifier.bearer(request).isEmpty() && request.getCookie(SessionVerifier.COOKIE) != null;
  }

  private static String normalize(String origin) {
    try {
      URI uri = URI.create(origin.trim());
      return uri.getScheme() == null || uri.getHost() == null ? "" : origin(uri);
    } catch (IllegalArgumentException e) {
      return "";
    }
  }
}
