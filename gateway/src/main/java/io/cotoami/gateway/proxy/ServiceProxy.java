package io.cotoami.gateway.proxy;

import io.cotoami.common.failure.Failures;
import io.cotoami.common.http.Problem;
import io.cotoami.common.http.Problems;
import io.cotoami.common.http.RequestIds;
import io.cotoami.common.registry.InstanceInfo;
import io.cotoami.common.session.SessionVerifier;
import io.cotoami.gateway.GatewayConfig;
import io.cotoami.gateway.registry.InstanceRegistry;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.net.ConnectException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a request to an instance of a service and streams its answer back, with cookie affinity:
 * a client whose route cookie names a ready instance goes there; any other client (no cookie, a
 * forged one, or its instance gone or draining) goes to the least loaded ready instance and gets a
 * new cookie. A request that could not reach its instance, or an idempotent one (GET, HEAD, or a
 * POST carrying a {@code clientId}) whose instance died before answering, is tried once more on
 * another instance. Connections to instances are pooled; hop-by-hop headers are dropped;
 * {@code X-Forwarded-*} and the request id are set.
 */
public final class ServiceProxy {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceProxy.class);
  private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
      "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "proxy-connection");

  private final InstanceRegistry registry;
  private final AffinityCookies affinity;
  private final GatewayConfig config;
  private final HttpClient client;

  public ServiceProxy(Vertx vertx, InstanceRegistry registry, AffinityCookies affinity, GatewayConfig config) {
    this.registry = registry;
    this.affinity = affinity;
    this.config = config;
    this.client = vertx.createHttpClient(
        new HttpClientOptions()
            .setKeepAlive(true)
            // Well inside the instances' HTTP_IDLE_TIMEOUT: we drop an idle connection before they
            // would, never sending a request on one they are closing.
            .setKeepAliveTimeout((int) Math.max(1, config.instance().connections().idleTimeout().toSeconds() / 2))
            .setConnectTimeout((int) config.upstreamConnectTimeout().toMillis())
            .setDecompressionSupported(false),
        new PoolOptions().setHttp1MaxSize(64).setMaxWaitQueueSize(1024));
  }

  /** Forwards the request (whose body, if any, the router has read) to {@code service} at {@code uri}. */
  public void forward(RoutingContext ctx, String service, String uri) {
    Buffer body = ctx.body() == null ? null : ctx.body().buffer();
    Cookie cookie = ctx.request().getCookie(AffinityCookies.cookieName(service));
    Optional<InstanceInfo> pinned = affinity.resolve(cookie == null ? null : cookie.getValue(), registry.ready(service));
    Optional<InstanceInfo> first = pinned.isPresent() ? pinned : registry.leastLoaded(service, Set.of());
    attempt(ctx, service, uri, body, first, isIdempotent(ctx.request().method(), body), pinned.isPresent(), 2);
  }

  private void attempt(RoutingContext ctx, String service, String uri, Buffer body, Optional<InstanceInfo> chosen,
                       boolean idempotent, boolean keepCookie, int attemptsLeft) {
    if (chosen.isEmpty()) {
      Problems.send(ctx, Problem.unavailable("No instance of " + service + " is ready. Please retry shortly."));
      return;
    }
    InstanceInfo instance = chosen.get();
    AtomicInteger load = registry.outstanding(instance.instanceId());
    load.incrementAndGet();
    RequestOptions options = new RequestOptions()
        .setMethod(ctx.request().method())
        .setHost(instance.host())
        .setPort(instance.port())
        .setURI(uri)
        .setConnectTimeout(config.upstreamConnectTimeout().toMillis())
        .setIdleTimeout(config.upstreamTimeout().toMillis())
        .setHeaders(forwardedHeaders(ctx));
    client.request(options)
        .compose(upstream -> body == null ? upstream.send() : upstream.send(body))
        .onComplete(ar -> load.decrementAndGet())
        .onSuccess(response -> relay(ctx, service, instance, keepCookie, response))
        .onFailure(failure -> {
          boolean unreachable = failure instanceof ConnectException;
          boolean died = failure instanceof HttpClosedException
              || (failure instanceof IOException && !(failure instanceof ConnectException));
          if (unreachable || died) {
            registry.unreachable(instance);
          }
          if (attemptsLeft > 1 && (unreachable || (died && idempotent))) {
            LOG.atInfo().addKeyValue("requestId", RequestIds.of(ctx))
                .log("Retrying on another instance of {}: {} at {}:{} failed ({})", service,
                    instance.instanceId(), instance.host(), instance.port(), failure.toString());
            attempt(ctx, service, uri, body, registry.leastLoaded(service, Set.of(instance.instanceId())), idempotent,
                false, attemptsLeft - 1);
            return;
          }
          failed(ctx, service, instance, failure);
        });
  }

  /** GET and HEAD, and a JSON POST carrying a {@code clientId} (coto-service makes those safe to repeat). */
  static boolean isIdempotent(HttpMethod method, Buffer body) {
    if (method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.OPTIONS) {
      return true;
    }
    if (method != HttpMethod.POST || body == null || body.length() == 0) {
      return false;
    }
    try {
      Object clientId = new JsonObject(body).getValue("clientId");
      return clientId instanceof String && !((String) clientId).isBlank();
    } catch (RuntimeException e) {
      return false;
    }
  }

  private MultiMap forwardedHeaders(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    Set<String> named = namedInConnection(request.headers().get("Connection"));
    request.headers().forEach(header -> {
      String name = header.getKey().toLowerCase(Locale.ROOT);
      if (!HOP_BY_HOP.contains(name) && !named.contains(name) && !name.startsWith("x-forwarded-")
          && !name.equals("forwarded") && !name.equals("x-request-id") && !name.equals("content-length")) {
        headers.add(header.getKey(), header.getValue());
      }
    });
    // Incoming X-Forwarded-* headers are believed only as far as TRUSTED_PROXIES (the Ingress)
    // vouch for them; the instance gets the one resolved client address. The scheme is the one
    // people use to reach us (PUBLIC_URL), since TLS usually ends in front of the gateway.
    headers.set("X-Forwarded-For", config.clientAddress().of(request));
    headers.set("X-Forwarded-Proto", request.isSSL() ? "https" : config.publicUrl().getScheme());
    headers.set("X-Forwarded-Host", String.valueOf(request.authority()));
    headers.set(RequestIds.HEADER, RequestIds.of(ctx));
    return headers;
  }

  private void relay(RoutingContext ctx, String service, InstanceInfo instance, boolean keepCookie,
                     HttpClientResponse upstream) {
    ctx.response().setStatusCode(upstream.statusCode());
    Set<String> named = namedInConnection(upstream.headers().get("Connection"));
    upstream.headers().forEach(header -> {
      String name = header.getKey().toLowerCase(Locale.ROOT);
      if (!HOP_BY_HOP.contains(name) && !named.contains(name) && !name.equals("x-request-id")) {
        ctx.response().headers().add(header.getKey(), header.getValue());
      }
    });
    // A client that authenticates by bearer token keeps no cookies (a mobile app, a script): it gets
    // none, and goes without affinity (any ready instance serves any request).
    if (!keepCookie && !bearer(ctx.request())) {
      ctx.response().addCookie(Cookie.cookie(AffinityCookies.cookieName(service), affinity.valueFor(instance))
          .setPath("/")
          .setHttpOnly(true)
          .setSecure("https".equals(config.publicUrl().getScheme()))
          .setSameSite(CookieSameSite.LAX));
    }
    ctx.response().send(upstream);
  }

  private static void failed(RoutingContext ctx, String service, InstanceInfo instance, Throwable failure) {
    LOG.atWarn().addKeyValue("requestId", RequestIds.of(ctx))
        .log("Upstream {} at {}:{} failed: {}", service, instance.host(), instance.port(), failure.toString());
    if (Failures.timedOut(failure)) {
      Problems.send(ctx, Problem.of(504, "upstream-timeout", "Upstream timeout", service + " did not answer in time."));
    } else {
      Problems.send(ctx, Problem.unavailable(service + " is unavailable. Please retry shortly."));
    }
  }

  static boolean bearer(HttpServerRequest request) {
    return SessionVerifier.bearer(request).isPresent();
  }

  private static Set<String> namedInConnection(String connection) {
    if (connection == null) {
      return Set.of();
    }
    return new HashSet<>(Arrays.asList(connection.toLowerCase(Locale.ROOT).split("\\s*,\\s*")));
  }
}
