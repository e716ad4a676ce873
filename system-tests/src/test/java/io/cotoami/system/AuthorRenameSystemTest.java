package io.cotoami.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cotoami.common.config.PgConfig;
import io.cotoami.common.runtime.ServiceInstance;
import io.cotoami.system.ApiStack.User;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A person's rename, seen live through the gateway by the other people whose pages show them
 * (issue 16, "a rename shows up without a reload"): the {@code user-renamed} event and the
 * presence list.
 */
@Timeout(120)
class AuthorRenameSystemTest {
  private static ApiStack stack;
  private static ServiceInstance gateway;
  private static PgConfig pg;
  private static Http http;
  private static WebSocketClient sockets;

  @BeforeAll
  static void start() throws Exception {
    stack = ApiStack.start(Map.of());
    gateway = stack.gateway();
    pg = stack.pg();
    http = stack.http();
    sockets = stack.sockets();
  }

  @AfterAll
  static void stop() throws Exception {
    if (stack != null) {
      stack.close();
    }
  }

  /** A person who has signed in once (a row in auth.users), with a session naming them by their old name. */
  private static User user() throws Exception {
    User user = stack.user();
    String name = user.email().substring(0, user.email().indexOf('@'));
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
         java.sql.PreparedStatement insert = c.prepareStatement(
             "INSERT INTO auth.users (id, email, name) VALUES (?::uuid, ?, ?)")) {
      insert.setString(1, user.id());
      insert.setString(2, user.email());
      insert.setString(3, name);
      insert.executeUpdate();
    }
    return user;
  }

  @Test
  @DisplayName("A member renamed: the owner's socket on the room and the member's own home get user-renamed with the new name and avatar, never the email; a stranger's room hears nothing")
  void renameReachesEveryTimelineShowingThePerson() throws Exception {
    User owner = user();
    User member = user();
    User stranger = user();
    String room = stack.cotonoma(owner, "Shared room", null);
    String elsewhere = stack.cotonoma(stranger, "Elsewhere", null);
    stack.share(owner, room, member);
    LiveProbe ownerLive = subscribed(owner, "cotonoma:" + room);
    LiveProbe memberHome = subscribed(member, "home");
    LiveProbe strangerLive = subscribed(stranger, "cotonoma:" + elsewhere);

    HttpResponse<Buffer> renamed = stack.call(member, HttpMethod.PUT, "/api/users/me", new JsonObject().put("name", "Bob Renamed"));
    assertEquals(200, renamed.statusCode(), renamed.bodyAsString());

    for (LiveProbe live : List.of(ownerLive, memberHome)) {
      JsonObject frame = live.next("event");
      JsonObject event = frame.getJsonObject("event");
      assertEquals("user-renamed", event.getString("type"), frame.encode());
      assertEquals(member.id(), event.getJsonObject("user").getString("id"));
      assertEquals("Bob Renamed", event.getJsonObject("user").getString("name"));
      assertTrue(event.getJsonObject("user").getString("avatarUrl").startsWith("https://"), frame.encode());
      assertFalse(frame.encode().contains("@example.com"), "no email in the event: " + frame.encode());
    }
    // The stranger's next event is their own post: nothing about someone they do not see came first.
    stack.call(stranger, HttpMethod.POST, "/api/cotos", new JsonObject().put("content", "hello").put("cotonomaKey", elsewhere));
    assertEquals("coto-posted", strangerLive.next("event").getJsonObject("event").getString("type"));
    for (LiveProbe live : List.of(ownerLive, memberHome, strangerLive)) {
      live.ws.close();
    }
  }

  @Test
  @DisplayName("Someone who only posted in a room, with no membership left, is still announced there: the room keeps showing their cotos")
  void renameReachesRoomsPostedIn() throws Exception {
    User owner = user();
    User poster = user();
    String room = stack.cotonoma(owner, "Old talks", null);
    stack.share(owner, room, poster);
    stack.call(poster, HttpMethod.POST, "/api/cotos", new JsonObject().put("content", "I was here").put("cotonomaKey", room));
    assertEquals(204, stack.call(owner, HttpMethod.DELETE, "/api/cotonomas/" + room + "/members/" + poster.email(), null)
        .statusCode());
    LiveProbe ownerLive = subscribed(owner, "cotonoma:" + room);
    assertEquals(200, stack.call(poster, HttpMethod.PUT, "/api/users/me", new JsonObject().put("name", "Former member"))
        .statusCode());
    JsonObject event = ownerLive.next("event").getJsonObject("event");
    assertEquals("user-renamed", event.getString("type"));
    assertEquals("Former member", event.getJsonObject("user").getString("name"));
    ownerLive.ws.close();
  }

  @Test
  @DisplayName("The presence list shows a viewer's new name as soon as they rename, not when their session is renewed")
  void presenceShowsTheNewName() throws Exception {
    User owner = user();
    User member = user();
    String room = stack.cotonoma(owner, "Presence room", null);
    stack.share(owner, room, member);
    LiveProbe ownerLive = subscribed(owner, "cotonoma:" + room);
    LiveProbe memberLive = subscribed(member, "cotonoma:" + room);
    ownerLive.viewers(List.of(owner.id(), member.id()));

    assertEquals(200, stack.call(member, HttpMethod.PUT, "/api/users/me", new JsonObject().put("name", "Carol New"))
        .statusCode());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    String shown = null;
    while (!"Carol New".equals(shown) && System.nanoTime() < deadline) {
      shown = ownerLive.next("presence").getJsonArray("viewers").stream().map(JsonObject.class::cast)
          .filter(v -> member.id().equals(v.getString("userId"))).map(v -> v.getString("name")).findFirst().orElse(null);
    }
    assertEquals("Carol New", shown, "the owner's presence list names the member by their new name");
    ownerLive.ws.close();
    memberLive.ws.close();
  }

  private static LiveProbe subscribed(User user, String timeline) throws Exception {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1")
        .setPort(gateway.httpPort()).setURI("/api/ws").addHeader("Authorization", "Bearer " + user.token());
    LiveProbe live = new LiveProbe(Http.await(sockets.connect(options)));
    live.subscribe(timeline, null);
    live.next("subscribed");
    return live;
  }
}
