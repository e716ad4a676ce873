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
import java.util.function.IntFunction;

/**
 * Many WebSocket clients from one JVM: one Vert.x client per local source address (127.0.0.2,
 * 127.0.0.3, ...), so that the connections are not bounded by one address's ephemeral ports.
 */
final class WsClients implements AutoCloseable {
  static final int PER_ADDRESS = 5000;
  private final List<WebSocketClient> clients = new ArrayList<>();
  final List<WebSocket> sockets = java.util.Collections.synchronizedList(new ArrayList<>());

  private final Vertx vertx;

  WsClients(Vertx vertx, int expected) {
    this.vertx = vertx;
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

  /** What subscribing gave: every socket that did not get its {@code subscribed} answer is a refusal. */
  record Subscribed(int subscribed, int refused, String firstRefusal, long millis) {
  }

  /** Sets a subscriber's handlers and sends its subscription; completes {@code answer} on its answer. */
  interface Subscriber {
    void opened(WebSocket ws, int index, Promise<Void> answer);
  }

  /**
   * Opens {@code count} sockets, each with its own token, and subscribes each: at most {@code lanes} at a
   * time, each waiting for its subscription's answer (or its refusal, its socket closing, or
   * {@code answerMillis}) before the next, and at most {@code perSecond} begun per second. Stops beginning
   * new ones at {@code deadlineNanos}. A failed handshake, an error answer, a close or no answer in time is
   * a refusal, counted; none stops the others.
   */
  Subscribed subscribe(int count, int lanes, int perSecond, int port, String uri, IntFunction<String> tokenFor,
                       Subscriber subscriber, long answerMillis, long deadlineNanos) throws InterruptedException {
    long started = System.nanoTime();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger subscribed = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    AtomicReference<String> firstRefusal = new AtomicReference<>();
    int n = Math.max(1, Math.min(lanes, count));
    CountDownLatch done = new CountDownLatch(n);
    Runnable[] lane = new Runnable[1];
    lane[0] = () -> {
      int index = next.getAndIncrement();
      if (index >= count || System.nanoTime() > deadlineNanos) {
        done.countDown();
        return;
      }
      Runnable begin = () -> {
        WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(uri)
            .setTimeout(answerMillis);
        String token = tokenFor.apply(index);
        if (token != null) {
          options.addHeader("Authorization", "Bearer " + token);
        }
        Promise<Void> answer = Promise.promise();
        connect(clients.get(index / PER_ADDRESS % clients.size()), options).onComplete(result -> {
          if (result.failed()) {
            answer.tryFail("handshake: " + result.cause());
            return;
          }
          WebSocket ws = result.result();
          sockets.add(ws);
          ws.closeHandler(v -> answer.tryFail("closed before its answer"));
          subscriber.opened(ws, index, answer);
        });
        answer.future().timeout(answerMillis, TimeUnit.MILLISECONDS).onComplete(result -> {
          if (result.succeeded()) {
            subscribed.incrementAndGet();
          } else {
            refused.incrementAndGet();
            firstRefusal.compareAndSet(null, "subscriber " + (index + 1) + ": " + result.cause().getMessage());
          }
          lane[0].run();
        });
      };
      long wait = TimeUnit.NANOSECONDS.toMillis(started + index * 1_000_000_000L / perSecond - System.nanoTime());
      if (wait >= 1) {
        vertx.setTimer(wait, t -> begin.run());
      } else {
        begin.run();
      }
    };
    for (int i = 0; i < n; i++) {
      vertx.runOnContext(v -> lane[0].run());
    }
    done.await(30, TimeUnit.MINUTES);
    return new Subscribed(subscribed.get(), refused.get(), firstRefusal.get(), (System.nanoTime() - started) / 1_000_000);
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
