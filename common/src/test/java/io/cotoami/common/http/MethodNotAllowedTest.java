package io.cotoami.common.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MethodNotAllowedTest {
  private static Vertx vertx;
  private static HttpClient client;
  private static int port;
  // Vert.x 5.0.7's HttpClient, called from a thread outside Vert.x, now and then never completes a
  // request (about one in 5,000 here); every call goes through one context so that it cannot.
  private static Context context;

  @BeforeAll
  static void serve() throws Exception {
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    Problems.install(router);
    router.post("/api/cotos").handler(ctx -> ctx.end());
    router.get("/api/cotos").handler(ctx -> ctx.end());
    router.get("/api/cotos/:id").handler(ctx -> ctx.end());
    router.delete("/api/cotos/:id").handler(ctx -> ctx.end());
    router.get("/api/cotos/:id/history").handler(ctx -> ctx.end());
    HttpServer server = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    port = server.actualPort();
    client = vertx.createHttpClient();
    context = vertx.getOrCreateContext();
  }

  @AfterAll
  static void stop() throws Exception {
    await(vertx.close());
  }

  @Test
  @DisplayName("A 405 names the methods of that path in Allow, for plain paths and paths with parameters")
  void allowHeader() throws Exception {
    assertAllow(HttpMethod.PUT, "/api/cotos", "GET, POST");
    assertAllow(HttpMethod.PUT, "/api/cotos/abc", "DELETE, GET");
    assertAllow(HttpMethod.POST, "/api/cotos/abc/history", "GET");
  }

  private static void assertAllow(HttpMethod method, String path, String allow) throws Exception {
    HttpClientResponse[] seen = new HttpClientResponse[1];
    Promise<Buffer> sent = Promise.promise();
    context.runOnContext(v -> client.request(method, port, "127.0.0.1", path).compose(r -> r.send())
        .compose(r -> {
          seen[0] = r;
          return r.body();
        }).onComplete(sent));
    Buffer body = await(sent.future());
    HttpClientResponse response = seen[0];
    assertEquals(405, response.statusCode(), method + " " + path);
    assertEquals(allow, response.getHeader("Allow"), method + " " + path);
    assertTrue(response.getHeader("Content-Type").startsWith("application/problem+json"));
    assertEquals("urn:cotoami:problem:method-not-allowed", new JsonObject(body).getString("type"));
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }
}
