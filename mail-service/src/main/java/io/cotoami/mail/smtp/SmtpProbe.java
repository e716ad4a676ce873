package io.cotoami.mail.smtp;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;

/** Checks that an SMTP server answers with its 220 greeting, then says QUIT. */
public final class SmtpProbe {
  private final NetClient client;
  private final SmtpConfig config;

  public SmtpProbe(Vertx vertx, SmtpConfig config) {
    this.config = config;
    this.client = vertx.createNetClient(new NetClientOptions().setConnectTimeout(2000).setIdleTimeout(3));
  }

  public Future<Void> check() {
    return client.connect(config.port(), config.host())
        .compose(this::awaitGreeting)
        .recover(e -> Future.failedFuture("SMTP server unreachable at " + config.describe() + ": " + e.getMessage()));
  }

  private Future<Void> awaitGreeting(NetSocket socket) {
    Promise<Void> promise = Promise.promise();
    Buffer received = Buffer.buffer();
    socket.handler(chunk -> {
      received.appendBuffer(chunk);
      String text = received.toString();
      if (text.contains("\n")) {
        if (text.startsWith("220")) {
          promise.tryComplete();
        } else {
          promise.tryFail("unexpected greeting: " + text.trim());
        }
        socket.write("QUIT\r\n").onComplete(ar -> socket.close());
      }
    });
    socket.closeHandler(v -> promise.tryFail("closed before greeting"));
    socket.exceptionHandler(promise::tryFail);
    return promise.future();
  }
}
