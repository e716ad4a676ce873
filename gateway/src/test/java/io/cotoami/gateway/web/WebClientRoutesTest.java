package io.cotoami.gateway.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cotoami.infra.OnContext;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The web client's routes on their own: which addresses answer the page, and with which headers. */
class WebClientRoutesTest {
  private static Vertx vertx;
  /** Where every request of the client here starts (OnContext says why). */
  private static OnContext calls;
  private static WebClient client;

  @BeforeAll
  static void serve() throws Exception {
    vertx = Vertx.vertx();
    calls = new OnContext(vertx);
    Router router = Router.router(vertx);
    await(WebClientRoutes.mount(router, vertx));
    HttpServer server = await(vertx.createHttpServer(new HttpServerOptions().setCompressionSupported(true))
        .requestHandler(router).listen(0, "127.0.0.1"));
    // Decompression off: the test sees the bytes as sent.
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(server.actualPort()).setDecompressionSupported(false));
  }

  @AfterAll
  static void stop() throws Exception {
    await(vertx.close());
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static HttpResponse<Buffer> get(String path, String... header) throws Exception {
    var request = client.get(path).putHeader("Accept-Encoding", "gzip");
    if (header.length == 2) {
      request.putHeader(header[0], header[1]);
    }
    return calls.await(() -> request.send());
  }

  @Test
  @DisplayName("/ and /cotonomas/{key} answer the page, compressed, no-cache with an ETag, under the Content-Security-Policy")
  void pageAddresses() throws Exception {
    for (String path : new String[] {"/", "/cotonomas/NJx7nSGY9SixpsjvzE2x0Q"}) {
      HttpResponse<Buffer> page = get(path);
      assertEquals(200, page.statusCode(), path);
      assertTrue(page.getHeader("Content-Type").startsWith("text/html"));
      assertEquals("gzip", page.getHeader("Content-Encoding"));
      assertEquals("no-cache", page.getHeader("Cache-Control"));
      assertEquals(WebClientRoutes.CONTENT_SECURITY_POLICY, page.getHeader("Content-Security-Policy"));
      assertEquals(304, get(path, "If-None-Match", page.getHeader("ETag")).statusCode());
    }
  }

  @Test
  @DisplayName("Scripts are served compressed and revalidated; other addresses are 404, not the page")
  void assetsAndUnknownAddresses() throws Exception {
    HttpResponse<Buffer> script = get("/app/main.js");
    assertEquals(200, script.statusCode());
    assertTrue(script.getHeader("Content-Type").contains("javascript"), script.getHeader("Content-Type"));
    assertEquals("gzip", script.getHeader("Content-Encoding"));
    assertEquals("no-cache", script.getHeader("Cache-Control"));
    assertEquals(304, get("/app/main.js", "If-Modified-Since", script.getHeader("Last-Modified")).statusCode());
    assertEquals(404, get("/cotonomas/a/b").statusCode());
    assertEquals(404, get("/nothing-here").statusCode());
  }
}
