package io.cotoami.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;

/**
 * Many WebSocket clients from one JVM: one Vert.x client per local source address (127.0.0.2,
 * 127.0.0.3, ...), so that the connections are not bounded by one address's ephemeral ports.
 */
final class WsClients implements AutoCloseable {
  static final int PER_ADDRESS = 5000;
  private final List<WebSocketClient> clients = new ArrayList<>();
  final List<WebSocket> sockets = java.util.Collections.synchronizedList(new ArrayList<>());

  WsClients(Vertx vertx, int expected) {
    int addresses = Math.max(1, (expected + PER_ADDRESS - 1) / PER_ADDRESS);
    for (int i = 0; i < addresses; i++) {
      clients.add(vertx.createWebSocketClient(new WebSocketClientOptions().setLocalAddress("127.0.0." + (2 + i))
          .setMaxConnections(Integer.MAX_VALUE).setConnectTimeout(30_000)));
    }
  }

  record Opened(int connected, String firstFailure, long millis) {
  }

  /**
   * Opens up to {@code count} sockets, at most {@code inFlight} handshakes at a time; {@code onOpen}
   * gets each socket and its index. Stops opening after the first failure and says what it was.
   */
  Opened open(int count, int inFlight, int port, String uri, String token,
              BiConsumer<WebSocket, Integer> onOpen) throws InterruptedException {
    long started = System.nanoTime();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger connected = new AtomicInteger();
    AtomicReference<String> failure = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(Math.min(inFlight, count));
    for (int lane = 0; lane < Math.min(inFlight, count); lane++) {
      openNext(next, count, port, uri, token, onOpen, connected, failure, done);
    }
    done.await(30, TimeUnit.MINUTES);
    return new Opened(connected.get(), failure.get(), (System.nanoTime() - started) / 1_000_000);
  }

  private void openNext(AtomicInteger next, int count, int port, String uri, String token,
                        BiConsumer<WebSocket, Integer> onOpen, AtomicInteger connected,
                        AtomicReference<String> failure, CountDownLatch done) {
    int index = next.getAndIncrement();
    if (index >= count || failure.get() != null) {
      done.countDown();
      return;
    }
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(uri)
        .setTimeout(60_000);
    if (token != null) {
      options.addHeader("Authorization", "Bearer " + token);
    }
    connect(clients.get(index / PER_ADDRESS % clients.size()), options).onComplete(result -> {
      if (result.succeeded()) {
        sockets.add(result.result());
        connected.incrementAndGet();
        onOpen.accept(result.result(), index);
      } else {
        failure.compareAndSet(null, "socket " + (index + 1) + ": " + result.cause());
      }
      openNext(next, count, port, uri, token, onOpen, connected, failure, done);
    });
  }

  private static Future<WebSocket> connect(WebSocketClient client, WebSocketConnectOptions options) {
    Promise<WebSocket> promise = Promise.promise();
    client.connect(options).onComplete(promise);
    return promise.future();
  }

  /** Closes every socket (in parallel) and waits a little for the closes to go out. */
  @Override
  public void close() {
    List<Future<Void>> closing = new ArrayList<>();
    for (WebSocket ws : List.copyOf(sockets)) {
      closing.add(ws.close());
    }
    try {
      Future.join(closing).await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      // some were closed by the server already
    }
    sockets.clear();
    clients.forEach(WebSocketClient::close);
  }
}
