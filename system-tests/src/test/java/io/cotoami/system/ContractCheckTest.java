package io.cotoami.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The check that every system test's exchanges go through is not blind: each kind of mismatch is caught. */
class ContractCheckTest {
  private static final String BEARER = "Bearer eyJ.test.token";
  private static Vertx vertx;
  private static ContractCheck check;

  @BeforeAll
  static void load() throws Exception {
    vertx = Vertx.vertx();
    check = ContractCheck.load(vertx);
  }

  @AfterAll
  static void close() throws Exception {
    Http.await(vertx.close());
  }

  private static JsonObject coto(String postedAt) {
    return new JsonObject().put("id", "0b6f3c7e-5a4e-4f7c-9d0e-2f1f7d3c9a11").put("content", "hi").put("summary", null)
        .put("authorId", "5b1e3c7e-5a4e-4f7c-9d0e-2f1f7d3c9a11").put("cotonomaKey", null).put("postedAt", postedAt)
        .put("updatedAt", null).put("anonymous", false);
  }

  private static MultiMap headers(String... pairs) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < pairs.length; i += 2) {
      headers.add(pairs[i], pairs[i + 1]);
    }
    return headers;
  }

  private static String mismatch(HttpMethod method, String uri, MultiMap sent, JsonObject body, int status,
                                 MultiMap answered, JsonObject answer) throws Exception {
    ContractCheck.Exchange exchange = new ContractCheck.Exchange(method, uri, sent,
        body == null ? null : body.toBuffer(), new ContractCheck.Answer(status, answered,
            answer == null ? null : answer.toBuffer()));
    try {
      Http.await(check.check(exchange));
      return null;
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause().getMessage();
    }
  }

  private static MultiMap json() {
    return headers("Content-Type", "application/json");
  }

  private static MultiMap problem() {
    return headers("Content-Type", "application/problem+json");
  }

  private static JsonObject problem(String slug, int status) {
    return new JsonObject().put("type", "urn:cotoami:problem:" + slug).put("title", "t").put("status", status);
  }

  @Test
  @DisplayName("An exchange as documented passes")
  void documentedExchangePasses() throws Exception {
    assertEquals(null, mismatch(HttpMethod.POST, "/api/cotos", headers("Authorization", BEARER,
        "Content-Type", "application/json"), new JsonObject().put("content", "hi"), 201,
        headers("Content-Type", "application/json", "Location", "/api/cotos/x"), coto("2025-11-25T09:12:03.120Z")));
    assertEquals(null, mismatch(HttpMethod.PUT, "/api/cotos", headers("Authorization", BEARER), null, 405,
        headers("Content-Type", "application/problem+json", "Allow", "GET, POST"), problem("method-not-allowed", 405)));
  }

  @Test
  @DisplayName("A timestamp without milliseconds, an undocumented status or problem type, and a bearer cookie are caught")
  void answersThatBreakTheDocument() throws Exception {
    MultiMap bearer = headers("Authorization", BEARER, "Content-Type", "application/json");
    JsonObject post = new JsonObject().put("content", "hi");
    assertTrue(mismatch(HttpMethod.POST, "/api/cotos", bearer, post, 201, json(), coto("2025-11-25T09:12:03Z"))
        .contains("does not match"));
    assertTrue(mismatch(HttpMethod.POST, "/api/cotos", bearer, post, 418, problem(), problem("client-error", 418))
        .contains("not documented"));
    assertTrue(mismatch(HttpMethod.POST, "/api/cotos", bearer, post, 400, problem(), problem("made-up", 400))
        .contains("does not match"));
    MultiMap withCookie = headers("Content-Type", "application/json", "Set-Cookie", "cotoami_route_coto_service=x");
    assertTrue(mismatch(HttpMethod.POST, "/api/cotos", bearer, post, 201, withCookie,
        coto("2025-11-25T09:12:03.120Z")).contains("cookie was set for a bearer client"));
  }

  @Test
  @DisplayName("Requests outside the document must be refused: an invalid body answered 201, a 405 without Allow, a served undocumented path")
  void requestsOutsideTheDocument() throws Exception {
    MultiMap bearer = headers("Authorization", BEARER, "Content-Type", "application/json");
    assertTrue(mismatch(HttpMethod.POST, "/api/cotos", bearer, new JsonObject().put("content", 5), 201, json(),
        coto("2025-11-25T09:12:03.120Z")).contains("refuses this request"));
    assertTrue(mismatch(HttpMethod.PUT, "/api/cotos", bearer, null, 405, problem(), problem("method-not-allowed", 405))
        .contains("without Allow"));
    assertTrue(mismatch(HttpMethod.GET, "/api/secret", bearer, null, 200, json(), new JsonObject())
        .contains("must be 404"));
  }

  @Test
  @DisplayName("Security is exact: a cotonoma served without credentials, or a documented credential refused as not signed in, is caught")
  void securityIsExact() throws Exception {
    JsonObject cotonoma = new JsonObject().put("key", "k").put("name", "n")
        .put("ownerId", "5b1e3c7e-5a4e-4f7c-9d0e-2f1f7d3c9a11").put("createdAt", "2025-11-25T09:12:03.120Z");
    assertTrue(mismatch(HttpMethod.GET, "/api/cotonomas/k", headers(), null, 200, json(), cotonoma)
        .contains("does not accept"));
    assertTrue(mismatch(HttpMethod.GET, "/api/cotos/0b6f3c7e-5a4e-4f7c-9d0e-2f1f7d3c9a11",
        headers("Cookie", "anonymous_id=AAAAAAAAAAAAAAAAAAAAAA"), null, 401, problem(), problem("unauthorized", 401))
        .contains("the document accepts"));
    assertEquals(null, mismatch(HttpMethod.GET, "/api/cotonomas/k", headers(), null, 401, problem(),
        problem("unauthorized", 401)));
  }

  @Test
  @DisplayName("WebSocket frames are checked against the AsyncAPI document: documented frames pass, a frame missing a field, of an unknown type or from the wrong side is caught")
  void liveFrames() {
    LiveFrames frames = LiveFrames.get();
    assertEquals(null, frames.clientFrame(new JsonObject().put("type", "subscribe").put("timeline", "home")
        .put("lastEventId", null)));
    assertEquals(null, frames.serverFrame(new JsonObject().put("type", "event").put("timeline", "home")
        .put("eventId", 3).put("event", new JsonObject().put("type", "coto-posted"))));
    assertEquals(null, frames.serverFrame(new JsonObject().put("type", "error").put("timeline", null)
        .put("problem", new JsonObject().put("type", "urn:cotoami:problem:slow-down").put("detail", "x"))));
    assertTrue(frames.serverFrame(new JsonObject().put("type", "event").put("timeline", "home")
        .put("event", new JsonObject().put("type", "coto-posted"))).contains("not as the AsyncAPI document"));
    assertTrue(frames.serverFrame(new JsonObject().put("type", "event").put("timeline", "home").put("eventId", 1)
        .put("event", new JsonObject().put("type", "coto-exploded"))).contains("not as the AsyncAPI document"));
    assertTrue(frames.serverFrame(new JsonObject().put("type", "ping")).contains("no server frame"));
    assertTrue(frames.clientFrame(new JsonObject().put("type", "typing").put("timeline", "home"))
        .contains("not as the AsyncAPI document"));
  }

  @Test
  @DisplayName("A frame not as documented that no read followed is reported when the socket closes: by the server (closed polled) or by the test (close())")
  void liveProbeReportsLeftoversOnClose() throws Exception {
    JsonObject bad = new JsonObject().put("type", "ping");
    JsonObject good = new JsonObject().put("type", "error").put("timeline", null)
        .put("problem", new JsonObject().put("type", "urn:cotoami:problem:slow-down").put("detail", "x"));
    // The server answers the probe's first message (so that the probe's handlers are set).
    io.vertx.core.http.HttpServer server = Http.await(vertx.createHttpServer().webSocketHandler(ws ->
        ws.textMessageHandler(go -> {
          ws.writeTextMessage(("/bad".equals(ws.path()) ? bad : good).encode());
          if (ws.query() != null) {
            ws.close((short) 1000);
          }
        })).listen(0, "127.0.0.1"));
    io.vertx.core.http.WebSocketClient sockets = vertx.createWebSocketClient();
    try {
      LiveProbe byServer = probe(sockets, server.actualPort(), "/bad?close");
      AssertionError seen = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
          () -> byServer.closed.poll(20, java.util.concurrent.TimeUnit.SECONDS));
      assertTrue(seen.getMessage().contains("never read"), seen.getMessage());
      LiveProbe byTest = probe(sockets, server.actualPort(), "/bad");
      assertTrue(byTest.frames.poll(20, java.util.concurrent.TimeUnit.SECONDS) != null);
      assertTrue(org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, byTest::close).getMessage()
          .contains("no server frame"));
      LiveProbe fine = probe(sockets, server.actualPort(), "/good");
      assertTrue(fine.frames.poll(20, java.util.concurrent.TimeUnit.SECONDS) != null);
      fine.close();
    } finally {
      Http.await(sockets.close());
      Http.await(server.close());
    }
  }

  private static LiveProbe probe(io.vertx.core.http.WebSocketClient sockets, int port, String uri) throws Exception {
    LiveProbe probe = new LiveProbe(Http.await(sockets.connect(port, "127.0.0.1", uri)));
    Http.await(probe.ws.writeTextMessage("go"));
    return probe;
  }
}
