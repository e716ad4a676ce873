package io.cotoami.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cotoami.common.runtime.ServiceInstance;
import io.cotoami.system.ApiStack.User;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The graph (issue 20, items 1-3) through the gateway: its routes proxied, its events live and replayed. */
@Timeout(120)
class GraphSystemTest {
  private static ApiStack stack;
  private static ServiceInstance gateway;
  private static WebSocketClient sockets;

  @BeforeAll
  static void start() throws Exception {
    stack = ApiStack.start(Map.of());
    gateway = stack.gateway();
    sockets = stack.sockets();
  }

  @AfterAll
  static void stop() throws Exception {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  @DisplayName("Two people viewing one cotonoma: one connects two of its cotos, the other receives coto-connected with the phrase at once")
  void connectionIsLive() throws Exception {
    User owner = stack.user();
    User member = stack.user();
    String room = stack.cotonoma(owner, "Graph room", null);
    stack.share(owner, room, member);
    String a = stack.post(owner, "a thought", null, room);
    String b = stack.post(owner, "its reason", null, room);
    LiveProbe ownerLive = subscribed(owner, "cotonoma:" + room, null);
    LiveProbe memberLive = subscribed(member, "cotonoma:" + room, null);

    String id = ApiAsserts.created(connect(member, a, b, "because")).getString("id");
    JsonObject seen = ownerLive.next("event");
    assertEquals("cotonoma:" + room, seen.getString("timeline"));
    assertEquals("coto-connected", seen.getJsonObject("event").getString("type"));
    JsonObject connection = seen.getJsonObject("event").getJsonObject("connection");
    assertEquals(id, connection.getString("id"));
    assertEquals("because", connection.getString("linkingPhrase"));
    assertEquals("coto-connected", memberLive.next("event").getJsonObject("event").getString("type"));
    ownerLive.ws.close();
    memberLive.ws.close();
  }

  @Test
  @DisplayName("A subscriber back with its lastEventId gets the graph events it missed replayed, in order, then live ones")
  void missedGraphEventsAreReplayed() throws Exception {
    User owner = stack.user();
    String room = stack.cotonoma(owner, "Replay room", null);
    String a = stack.post(owner, "a", null, room);
    String b = stack.post(owner, "b", null, room);
    LiveProbe first = subscribed(owner, "cotonoma:" + room, null);
    stack.post(owner, "c", null, room);
    long seen = first.next("event").getLong("eventId");
    Http.await(first.ws.close());

    String connection = ApiAsserts.created(connect(owner, a, b, "例えば")).getString("id");
    ApiAsserts.created(stack.call(owner, HttpMethod.POST, "/api/graph/pins",
        new JsonObject().put("cotoId", a).put("cotonomaKey", room)));
    HttpResponse<Buffer> relabeled = stack.call(owner, HttpMethod.PUT, "/api/graph/connections/" + connection,
        new JsonObject().put("linkingPhrase", "so"));
    assertEquals(200, relabeled.statusCode(), relabeled.bodyAsString());

    LiveProbe back = subscribed(owner, "cotonoma:" + room, seen);
    String[] expected = {"coto-connected", "coto-pinned", "connection-relabeled"};
    for (int i = 0; i < expected.length; i++) {
      JsonObject event = back.next("event");
      assertEquals(seen + 1 + i, event.getLong("eventId"), "in order, no gap, no duplicate");
      assertEquals(expected[i], event.getJsonObject("event").getString("type"));
    }
    assertEquals(204, stack.call(owner, HttpMethod.DELETE, "/api/graph/connections/" + connection, null).statusCode());
    JsonObject live = back.next("event");
    assertEquals(seen + 4, live.getLong("eventId"));
    assertEquals("coto-disconnected", live.getJsonObject("event").getString("type"));
    back.ws.close();
  }

  @Test
  @DisplayName("Through the gateway an anonymous graph write is 401 problem+json")
  void anonymousWriteIsRefused() throws Exception {
    HttpResponse<Buffer> refused = stack.call(null, HttpMethod.POST, "/api/graph/connections",
        new JsonObject().put("sourceId", java.util.UUID.randomUUID().toString()));
    assertEquals(401, refused.statusCode(), refused.bodyAsString());
    assertTrue(refused.getHeader("Content-Type").startsWith("application/problem+json"));
  }

  private static HttpResponse<Buffer> connect(User user, String source, String target, String phrase)
      throws Exception {
    return stack.call(user, HttpMethod.POST, "/api/graph/connections",
        new JsonObject().put("sourceId", source).put("targetId", target).put("linkingPhrase", phrase));
  }

  /** Subscribed, the replay (if any) still to read: a "subscribed" frame follows a replay. */
  private static LiveProbe subscribed(User user, String timeline, Long lastEventId) throws Exception {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1")
        .setPort(gateway.httpPort()).setURI("/api/ws").addHeader("Authorization", "Bearer " + user.token());
    LiveProbe live = new LiveProbe(Http.await(sockets.connect(options)));
    live.subscribe(timeline, lastEventId);
    if (lastEventId == null) {
      live.next("subscribed");
    }
    return live;
  }
}
