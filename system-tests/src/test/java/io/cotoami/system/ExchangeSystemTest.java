package io.cotoami.system;

import static io.cotoami.system.ApiAsserts.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cotoami.system.ApiStack.User;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Export and import through the gateway: the imported document is the one body allowed past
 * HTTP_BODY_LIMIT (64 KiB), up to IMPORT_BODY_LIMIT (1 MiB here), and only for a signed-in caller.
 */
@Timeout(120)
class ExchangeSystemTest {
  private static final int IMPORT_LIMIT = 1024 * 1024;
  private static ApiStack stack;

  @BeforeAll
  static void start() throws Exception {
    stack = ApiStack.start(Map.of("IMPORT_BODY_LIMIT", String.valueOf(IMPORT_LIMIT)));
  }

  @AfterAll
  static void stop() throws Exception {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  @DisplayName("A 300 KB document is imported through the gateway with its progress, and the export gives every coto back")
  void largeDocumentThroughTheGateway() throws Exception {
    User me = stack.user();
    JsonObject document = document(2000);
    int size = document.encode().length();
    assertTrue(size > 4 * 64 * 1024 && size < IMPORT_LIMIT, "between the two limits: " + size);
    HttpResponse<Buffer> started = post(me, Buffer.buffer(document.encode()));
    assertEquals(202, started.statusCode(), started.bodyAsString());
    String location = started.getHeader("Location");
    JsonObject job = started.bodyAsJsonObject();
    assertEquals(2000, job.getInteger("total"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while ("running".equals(job.getString("state"))) {
      assertTrue(System.nanoTime() < deadline, job.encode());
      TimeUnit.MILLISECONDS.sleep(50);
      HttpResponse<Buffer> read = stack.call(me, HttpMethod.GET, location, null);
      assertEquals(200, read.statusCode(), read.bodyAsString());
      job = read.bodyAsJsonObject();
      assertTrue(job.getInteger("done") <= job.getInteger("total"));
    }
    assertEquals("done", job.getString("state"), job.encode());
    assertEquals(2000, job.getJsonObject("result").getJsonObject("created").getInteger("cotos"));

    HttpResponse<Buffer> exported = stack.call(me, HttpMethod.GET, "/api/export", null);
    assertEquals(200, exported.statusCode());
    JsonArray cotos = exported.bodyAsJsonObject().getJsonArray("cotos");
    assertEquals(2000, cotos.size());
    assertEquals("coto 0 " + "x".repeat(100), cotos.getJsonObject(0).getString("content"), "in the document's order");
  }

  @Test
  @DisplayName("Past IMPORT_BODY_LIMIT an import is 413, any other body past 64 KiB still is, and without a session an import is 401 before its body is read")
  void limits() throws Exception {
    User me = stack.user();
    assertProblem(post(me, Buffer.buffer(document(8000).encode())), 413, "payload-too-large");
    JsonObject big = new JsonObject().put("content", "x".repeat(2000)).put("summary", "y".repeat(70 * 1024));
    assertProblem(stack.call(me, HttpMethod.POST, "/api/cotos", big), 413, "payload-too-large");
    assertProblem(post(null, Buffer.buffer(document(2000).encode())), 401, "unauthorized");
    assertEquals(0, stack.call(me, HttpMethod.GET, "/api/export", null).bodyAsJsonObject().getJsonArray("cotos").size(),
        "nothing was imported");
  }

  @Test
  @DisplayName("Four callers trickling large imports hold the gateway's import slots: a fifth is 429 with Retry-After before its body is read, and once they hang up an import goes through")
  void slowUploadsAreBounded() throws Exception {
    User me = stack.user();
    io.vertx.core.net.NetClient net = stack.gateway().vertx().createNetClient();
    java.util.List<io.vertx.core.net.NetSocket> trickling = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        io.vertx.core.net.NetSocket socket = Http.await(net.connect(stack.gateway().httpPort(), "127.0.0.1"));
        Http.await(socket.write("POST /api/import HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + me.token()
            + "\r\nContent-Type: application/json\r\nContent-Length: 500000\r\n\r\n{\"format\":\"cotoami-export\""));
        trickling.add(socket);
      }
      // The four are admitted (their bodies are being read) before the fifth asks.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      HttpResponse<Buffer> fifth;
      do {
        TimeUnit.MILLISECONDS.sleep(100);
        fifth = post(me, Buffer.buffer(document(10).encode()));
      } while (fifth.statusCode() != 429 && System.nanoTime() < deadline);
      assertProblem(fifth, 429, "too-many-imports");
      assertTrue(fifth.getHeader("Retry-After") != null, "Retry-After");
    } finally {
      trickling.forEach(io.vertx.core.net.NetSocket::close);
      net.close();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    HttpResponse<Buffer> after;
    do {
      TimeUnit.MILLISECONDS.sleep(100);
      after = post(me, Buffer.buffer(document(10).encode()));
    } while (after.statusCode() == 429 && System.nanoTime() < deadline);
    assertEquals(202, after.statusCode(), after.bodyAsString());
  }

  private static HttpResponse<Buffer> post(User user, Buffer body) throws Exception {
    HttpRequest<Buffer> request = stack.http().client().post("/api/import").putHeader("Content-Type", "application/json");
    if (user != null) {
      request.putHeader("Authorization", "Bearer " + user.token());
    }
    return stack.http().send(request, body);
  }

  private static JsonObject document(int cotos) {
    JsonArray list = new JsonArray();
    for (int i = 0; i < cotos; i++) {
      list.add(new JsonObject().put("id", "c" + i).put("content", "coto " + i + " " + "x".repeat(100)));
    }
    return new JsonObject().put("format", "cotoami-export").put("version", 1).put("cotos", list);
  }
}
