package io.cotoami.gateway.proxy;

import io.cotoami.common.http.Problem;
import io.cotoami.common.http.Problems;
import io.cotoami.common.http.RequestIds;
import io.cotoami.common.registry.InstanceInfo;
import io.cotoami.gateway.GatewayConfig;
import io.cotoami.gateway.registry.InstanceRegistry;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.RoutingContext;
import java.net.ConnectException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams a request to a live instance of a service and its answer back: bodies are piped, not
 * buffered; connections to instances are pooled; hop-by-hop headers are dropped and the
 * {@code X-Forwarded-*} headers and the request id are added.
 */
public final class ServiceProxy {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceProxy.class);
  private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
      "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "proxy-connection");

  private final InstanceRegistry registry;
  private final GatewayConfig config;
  private final HttpClient client;

  public ServiceProxy(Vertx vertx, InstanceRegistry registry, GatewayConfig config) {
    this.registry = registry;
    this.config = config;
    this.client = vertx.createHttpClient(
        new HttpClientOptions()
            .setKeepAlive(true)
            .setConnectTimeout((int) config.upstreamConnectTimeout().toMillis())
            .setDecompressionSupported(false),
        new PoolOptions().setHttp1MaxSize(64).setMaxWaitQueueSize(1024));
  }

  /**
   * Forwards the request to {@code service} at {@code uri}. A request that could not even reach
   * an instance (connection refused: it died before the registry noticed) is tried once more on
   * another instance when it is a GET or HEAD, whose body nobody has read.
   */
  public void forward(RoutingContext ctx, String service, String uri) {
    HttpServerRequest request = ctx.request();
    request.pause();
    boolean retryable = request.method() == HttpMethod.GET || request.method() == HttpMethod.HEAD;
    attempt(ctx, service, uri, retryable ? 2 : 1);
  }

  private void attempt(RoutingContext ctx, String service, String uri, int attemptsLeft) {
    Optional<InstanceInfo> chosen = registry.pick(service);
    if (chosen.isEmpty()) {
      Problems.send(ctx, Problem.unavailable("No instance of " + service + " is ready. Please retry shortly."));
      return;
    }
    InstanceInfo instance = chosen.get();
    HttpServerRequest request = ctx.request();
    RequestOptions options = new RequestOptions()
        .setMethod(request.method())
        .setHost(instance.host())
        .setPort(instance.port())
        .setURI(uri)
        .setConnectTimeout(config.upstreamConnectTimeout().toMillis())
        .setIdleTimeout(config.upstreamTimeout().toMillis())
        .setHeaders(forwardedHeaders(ctx));
    client.request(options)
        .compose(upstream -> upstream.send(request))
        .onSuccess(response -> relay(ctx, response))
        .onFailure(failure -> {
          if (failure instanceof ConnectException) {
            registry.unreachable(instance);
            if (attemptsLeft > 1) {
              attempt(ctx, service, uri, attemptsLeft - 1);
              return;
            }
          }
          failed(ctx, service, instance, failure);
        });
  }

  private MultiMap forwardedHeaders(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    Set<String> named = namedInConnection(request.headers().get("Connection"));
    request.headers().forEach(header -> {
      String name = header.getKey().toLowerCase(Locale.ROOT);
      if (!HOP_BY_HOP.contains(name) && !named.contains(name) && !name.startsWith("x-forwarded-")
          && !name.equals("forwarded") && !name.equals("x-request-id")) {
        headers.add(header.getKey(), header.getValue());
      }
    });
    // Incoming X-Forwarded-* headers are not trusted (anyone can send them): the client is who
    // connected to us, and the scheme is the one people use to reach us (PUBLIC_URL), since TLS
    // usually ends in front of the gateway.
    String client = request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
    headers.set("X-Forwarded-For", client);
    headers.set("X-Forwarded-Proto", request.isSSL() ? "https" : config.publicUrl().getScheme());
    headers.set("X-Forwarded-Host", String.valueOf(request.authority()));
    headers.set(RequestIds.HEADER, RequestIds.of(ctx));
    return headers;
  }

  private static void relay(RoutingContext ctx, HttpClientResponse upstream) {
    ctx.response().setStatusCode(upstream.statusCode());
    Set<String> named = namedInConnection(upstream.headers().get("Connection"));
    upstream.headers().forEach(header -> {
      String name = header.getKey().toLowerCase(Locale.ROOT);
      if (!HOP_BY_HOP.contains(name) && !named.contains(name) && !name.equals("x-request-id")) {
        ctx.response().headers().add(header.getKey(), header.getValue());
      }
    });
    ctx.response().send(upstream);
  }

  private static void failed(RoutingContext ctx, String service, InstanceInfo instance, Throwable failure) {
    LOG.atWarn().addKeyValue("requestId", RequestIds.of(ctx))
        .log("Upstream {} at {}:{} failed: {}", service, instance.host(), instance.port(), failure.toString());
    if (failure instanceof TimeoutException || String.valueOf(failure.getMessage()).contains("timeout")) {
      Problems.send(ctx, Problem.of(504, "upstream-timeout", "Upstream timeout", service + " did not answer in time."));
    } else {
      Problems.send(ctx, Problem.unavailable(service + " is unavailable. Please retry shortly."));
    }
  }

  private static Set<String> namedInConnection(String connection) {
    if (connection == null) {
      return Set.of();
    }
    return new HashSet<>(Arrays.asList(connection.toLowerCase(Locale.ROOT).split("\\s*,\\s*")));
  }
}
