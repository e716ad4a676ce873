package io.cotoami.bench;

import io.cotoami.infra.OnContext;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;

/** The public API through the gateway, as a mobile client calls it (bearer token). */
final class Api {
  private final HttpClient http;
  private final int port;
  // Every request starts on one context (OnContext says why).
  private final OnContext calls;

  Api(Vertx vertx, int port) {
    this.calls = new OnContext(vertx);
    this.http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)
        .setKeepAlive(true), new PoolOptions().setHttp1MaxSize(8));
    this.port = port;
  }

  /** {@code POST path body} → the JSON answer; fails unless 2xx. */
  Future<JsonObject> post(String token, String path, JsonObject body) {
    return calls.start(() -> send(token, path, body));
  }

  private Future<JsonObject> send(String token, String path, JsonObject body) {
    return http.request(HttpMethod.POST, port, "127.0.0.1", path)
        .compose(request -> request.putHeader("Content-Type", "application/json")
            .putHeader("Authorization", "Bearer " + token)
            .send(Buffer.buffer(body.encode())))
        .compose(response -> response.body().compose(buffer -> response.statusCode() / 100 == 2
            ? Future.succeededFuture(buffer.length() == 0 ? new JsonObject() : buffer.toJsonObject())
            : Future.failedFuture(path + " answered " + response.statusCode() + ": " + buffer)));
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.await(60, TimeUnit.SECONDS);
  }

  void close() {
    http.close();
  }
}
