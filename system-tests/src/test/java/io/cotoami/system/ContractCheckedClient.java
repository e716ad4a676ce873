package io.cotoami.system;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.impl.ClientPhase;
import io.vertx.ext.web.client.impl.HttpContext;
import io.vertx.ext.web.client.impl.WebClientInternal;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Checks every exchange of the WebClients it is given against the OpenAPI document
 * ({@link ContractCheck}): a mismatch fails that call, and {@link #close()} fails too, so a test
 * that swallows the failed call, or counts it as one more failed request, still fails.
 */
final class ContractCheckedClient implements AutoCloseable {
  private static final String SENT = "contract.sent";
  private final ContractCheck contract;
  private final Queue<Throwable> mismatches = new ConcurrentLinkedQueue<>();

  ContractCheckedClient(Vertx vertx) {
    try {
      contract = ContractCheck.load(vertx);
    } catch (Exception e) {
      throw new IllegalStateException("cannot load the OpenAPI document", e);
    }
  }

  /** The same client, its exchanges checked from now on. */
  WebClient check(WebClient client) {
    ((WebClientInternal) client).addInterceptor(this::check);
    return client;
  }

  /** Checks each answer, once read, against the document before the caller sees it. */
  private void check(HttpContext<?> ctx) {
    if (ctx.phase() == ClientPhase.SEND_REQUEST) {
      // What went out, as sent (the request is gone by the time the answer is dispatched).
      HttpClientRequest sent = ctx.clientRequest();
      ctx.set(SENT, new Sent(sent.getMethod(), sent.getURI(),
          MultiMap.caseInsensitiveMultiMap().addAll(sent.headers()), bytes(ctx.body())));
    }
    if (ctx.phase() != ClientPhase.DISPATCH_RESPONSE) {
      ctx.next();
      return;
    }
    Sent sent = ctx.get(SENT);
    HttpResponse<?> response = ctx.response();
    ContractCheck.Exchange exchange = new ContractCheck.Exchange(sent.method(), sent.uri(), sent.headers(),
        sent.body(), new ContractCheck.Answer(response.statusCode(), response.headers(),
            bytes(response.body())));
    contract.check(exchange).onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.next();
      } else {
        mismatches.add(ar.cause());
        ctx.fail(ar.cause());
      }
    });
  }

  private record Sent(HttpMethod method, String uri, MultiMap headers, Buffer body) {
  }

  private static Buffer bytes(Object body) {
    if (body instanceof Buffer buffer) {
      return buffer;
    }
    if (body instanceof String text) {
      return Buffer.buffer(text);
    }
    if (body instanceof JsonObject json) {
      return json.toBuffer();
    }
    if (body instanceof JsonArray json) {
      return json.toBuffer();
    }
    return null;
  }

  /** Fails when any exchange so far did not keep the document. */
  @Override
  public void close() {
    Throwable first = mismatches.peek();
    if (first != null) {
      throw new AssertionError(mismatches.size() + " exchange(s) did not keep the OpenAPI document; the first: "
          + first.getMessage(), first);
    }
  }
}
