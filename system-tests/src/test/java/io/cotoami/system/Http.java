package io.cotoami.system;

import io.cotoami.common.runtime.ServiceInstance;
import io.cotoami.infra.OnContext;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A small blocking HTTP client for tests that drive the system as a client would. Every exchange
 * on an API path is checked against the OpenAPI document ({@link ContractCheckedClient}): a mismatch
 * fails that call, and {@link #close()} fails too, so a test that swallows the failed call still fails.
 */
final class Http implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final WebClient client;
  private final ContractCheckedClient contract = new ContractCheckedClient(vertx);
  // Every request starts on one context of this client's (OnContext says why).
  private final OnContext calls = new OnContext(vertx);

  Http(int port) {
    client = contract.check(WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(port).setKeepAlive(true)));
  }

  WebClient client() {
    return client;
  }

  HttpResponse<Buffer> send(HttpRequest<Buffer> request) throws Exception {
    return send(request, null);
  }

  /** Sends {@code request} with {@code body} (null: none), on this client's context, and waits for the answer. */
  HttpResponse<Buffer> send(HttpRequest<Buffer> request, Buffer body) throws Exception {
    return await(start(request, body));
  }

  /** Starts {@code request} with {@code body} (null: none) on this client's context; the answer, to come. */
  Future<HttpResponse<Buffer>> start(HttpRequest<Buffer> request, Buffer body) {
    return start(calls, request, body);
  }

  /** Starts a request of any other client through {@code calls}, so that none starts on the JUnit thread. */
  static Future<HttpResponse<Buffer>> start(OnContext calls, HttpRequest<Buffer> request, Buffer body) {
    return calls.start(() -> body == null ? request.send() : request.sendBuffer(body));
  }

  HttpResponse<Buffer> get(String path) throws Exception {
    return send(client.get(path));
  }

  /** Polls {@code path} until the response matches, for at most {@code seconds}. */
  HttpResponse<Buffer> until(String path, Predicate<HttpResponse<Buffer>> done, int seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    HttpResponse<Buffer> last = null;
    Exception error = null;
    while (System.nanoTime() < deadline) {
      try {
        last = get(path);
        if (done.test(last)) {
          return last;
        }
      } catch (Exception e) {
        // Not listening yet: try again until the deadline.
        error = e;
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    throw new AssertionError("gave up waiting on " + path + "; last answer: "
        + (last == null ? "none" : last.statusCode() + " " + last.bodyAsString()), error);
  }

  /**
   * Waits until every instance answers {@code /health/ready} on its management port: signed-in
   * requests are served only once each has read the revoked sessions from auth-service.
   */
  static void awaitReady(List<ServiceInstance> instances, int seconds) throws Exception {
    for (ServiceInstance instance : instances) {
      try (Http management = new Http(instance.managementPort())) {
        management.until("/health/ready", r -> r.statusCode() == 200, seconds);
      }
    }
  }

  /**
   * Shuts the instances down together: each drains and leaves the cluster in about three seconds,
   * which one after another cost every test class that many seconds per instance.
   */
  static void shutdown(ServiceInstance... instances) throws Exception {
    List<Future<Void>> stops = new ArrayList<>();
    for (ServiceInstance instance : instances) {
      if (instance != null) {
        stops.add(instance.shutdown());
      }
    }
    await(Future.join(stops));
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    vertx.close();
    contract.close();
  }
}
