package io.cotoami.browser;

import io.cotoami.system.ApiContract;
import io.cotoami.system.ContractCheck;
import io.cotoami.system.LiveFrames;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stands between the browsers and the gateway, on the address the browsers open, and checks what
 * the page really sends and receives: every API request and answer against the OpenAPI document
 * ({@link ContractCheck}), and every WebSocket frame either way against the AsyncAPI document
 * ({@link LiveFrames}). It passes everything through unchanged; a mismatch is kept for
 * {@link #takeMismatches()}, which fails the test that caused it.
 */
final class ContractProxy implements AutoCloseable {
  /** Hop-by-hop headers (RFC 9110, 7.6.1) are the proxy's own, not passed on. */
  private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection",
      "transfer-encoding", "te", "trailer", "upgrade", "content-length");
  private final Vertx vertx = Vertx.vertx();
  private final ContractCheck contract;
  private final HttpClient http;
  private final WebSocketClient sockets;
  private final int upstreamPort;
  private final ConcurrentLinkedQueue<String> mismatches = new ConcurrentLinkedQueue<>();
  /** Checks still running: an answer's check completes after the browser has it. */
  private final AtomicInteger checking = new AtomicInteger();
  private HttpServer server;

  private ContractProxy(int upstreamPort) throws Exception {
    this.upstreamPort = upstreamPort;
    this.contract = ContractCheck.load(vertx);
    this.http = vertx.createHttpClient();
    this.sockets = vertx.createWebSocketClient();
  }

  /** Listens on {@code port} (every interface, as the gateway does) and forwards to the gateway's {@code upstreamPort}. */
  static ContractProxy start(int port, int upstreamPort) throws Exception {
    ContractProxy proxy = new ContractProxy(upstreamPort);
    proxy.server = BrowserStack.await(proxy.vertx.createHttpServer().requestHandler(proxy::handle).listen(port, "0.0.0.0"));
    return proxy;
  }

  /** What did not keep the documents since the last call (once running checks are done, 5 s at most), and forgets it. */
  List<String> takeMismatches() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (checking.get() > 0 && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(10);
    }
    List<String> taken = new ArrayList<>();
    for (String m = mismatches.poll(); m != null; m = mismatches.poll()) {
      taken.add(m);
    }
    return taken;
  }

  private void handle(HttpServerRequest request) {
    if ("websocket".equalsIgnoreCase(request.getHeader(HttpHeaders.UPGRADE))) {
      socket(request);
      return;
    }
    request.body().compose(body -> http.request(new RequestOptions().setHost("127.0.0.1").setPort(upstreamPort)
            .setMethod(request.method()).setURI(request.uri())
            .setHeaders(ApiContract.isApi(request.path()) ? toGateway(request.headers()) : endToEnd(request.headers())))
        .compose(out -> out.send(body))
        .compose(answer -> answer.body().map(answerBody -> {
          check(request, body, answer, answerBody);
          relay(request, answer, answerBody);
          return null;
        })))
        .onFailure(e -> {
          mismatches.add("the proxy could not pass " + request.method() + " " + request.uri() + " on: " + e);
          request.response().setStatusCode(502).end();
        });
  }

  private static void relay(HttpServerRequest request, HttpClientResponse answer, Buffer body) {
    request.response().setStatusCode(answer.statusCode()).setStatusMessage(answer.statusMessage());
    request.response().headers().addAll(endToEnd(answer.headers()));
    request.response().end(body);
  }

  private void check(HttpServerRequest request, Buffer body, HttpClientResponse answer, Buffer answerBody) {
    ContractCheck.Exchange exchange = new ContractCheck.Exchange(request.method(), request.uri(),
        MultiMap.caseInsensitiveMultiMap().addAll(request.headers()), body,
        new ContractCheck.Answer(answer.statusCode(), MultiMap.caseInsensitiveMultiMap().addAll(answer.headers()),
            answerBody));
    checking.incrementAndGet();
    contract.check(exchange).onComplete(ar -> {
      if (ar.failed()) {
        mismatches.add(ar.cause().getMessage());
      }
      checking.decrementAndGet();
    });
  }

  /** The upgrade is made upstream first, so that a refusal reaches the browser as the gateway gave it. */
  private void socket(HttpServerRequest request) {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(upstreamPort)
        .setURI(request.uri());
    request.headers().forEach((name, value) -> {
      String lower = name.toLowerCase(java.util.Locale.ROOT);
      if (!HOP_BY_HOP.contains(lower) && !lower.startsWith("sec-websocket-")) {
        options.addHeader(name, value);
      }
    });
    request.pause();
    sockets.connect(options).onComplete(upstream -> {
      request.resume();
      if (upstream.failed()) {
        int status = upstream.cause() instanceof UpgradeRejectedException rejected ? rejected.getStatus() : 502;
        request.response().setStatusCode(status).end();
        return;
      }
      request.toWebSocket().onSuccess(browser -> pipe(browser, upstream.result()))
          .onFailure(e -> upstream.result().close());
    });
  }

  private void pipe(ServerWebSocket browser, WebSocket gateway) {
    browser.textMessageHandler(text -> {
      frame(text, true);
      gateway.writeTextMessage(text);
    });
    gateway.textMessageHandler(text -> {
      frame(text, false);
      browser.writeTextMessage(text);
    });
    browser.closeHandler(v -> gateway.close(orNormal(browser.closeStatusCode()), browser.closeReason()));
    gateway.closeHandler(v -> browser.close(orNormal(gateway.closeStatusCode()), gateway.closeReason()));
  }

  private static short orNormal(Short code) {
    // 1005 and 1006 say that no code was sent; they may not be sent on.
    return code == null || code == 1005 || code == 1006 ? 1000 : code;
  }

  private void frame(String text, boolean fromClient) {
    String wrong;
    try {
      JsonObject frame = new JsonObject(text);
      wrong = fromClient ? LiveFrames.get().clientFrame(frame) : LiveFrames.get().serverFrame(frame);
    } catch (RuntimeException notJson) {
      wrong = (fromClient ? "the page" : "the gateway") + " sent a frame that is not JSON: " + text;
    }
    if (wrong != null) {
      mismatches.add(wrong);
    }
  }

  /** As the browser sent them, but asking for no compression, so that an API answer can be read and checked. */
  private static MultiMap toGateway(MultiMap headers) {
    MultiMap copy = endToEnd(headers);
    copy.remove(HttpHeaders.ACCEPT_ENCODING);
    return copy;
  }

  private static MultiMap endToEnd(MultiMap headers) {
    MultiMap copy = MultiMap.caseInsensitiveMultiMap();
    headers.forEach((name, value) -> {
      if (!HOP_BY_HOP.contains(name.toLowerCase(java.util.Locale.ROOT))) {
        copy.add(name, value);
      }
    });
    return copy;
  }

  @Override
  public void close() throws Exception {
    BrowserStack.await(Future.join(server == null ? Future.succeededFuture() : server.close(), vertx.close()));
  }
}
