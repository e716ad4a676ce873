package io.cotoami.system;

import static io.cotoami.system.ApiAsserts.assertProblem;
import static io.cotoami.system.ApiAsserts.contents;
import static io.cotoami.system.ApiAsserts.names;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cotoami.common.config.PgConfig;
import io.cotoami.common.runtime.ServiceInstance;
import io.cotoami.system.ApiStack.User;
import io.cotoami.infra.RedisServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Who may do what in shared and nested cotonomas (issue 16), and each person's list of their
 * cotonomas, through the gateway: a gateway, coto-service and auth-service on embedded PostgreSQL
 * and Redis; users sign in with tokens minted by a test key pair.
 */
@Timeout(120)
class SharingSystemTest {
  private static ApiStack stack;
  private static ServiceInstance gateway;
  private static PgConfig pg;
  private static RedisServer redis;
  private static byte[] outboxKey;
  private static Http http;
  private static WebSocketClient sockets;

  @BeforeAll
  static void start() throws Exception {
    stack = ApiStack.start(Map.of("UPSTREAM_TIMEOUT", "10s"));
    gateway = stack.gateway();
    pg = stack.pg();
    redis = stack.redis();
    outboxKey = stack.outboxKey();
    http = stack.http();
    sockets = stack.sockets();
  }

  @AfterAll
  static void stop() throws Exception {
    if (stack != null) {
      stack.close();
    }
  }

  private static User user() {
    return stack.user();
  }


  @Test
  @DisplayName("A member's sub-cotonoma stays under the room's owner: the owner opens, renames and deletes it at any depth, so the room can be emptied and deleted")
  void ownerRulesEverythingInside() throws Exception {
    User owner = user();
    User member = user();
    String room = stack.cotonoma(owner, "Room", null);
    stack.share(owner, room, member);
    String sub = stack.cotonoma(member, "Member's corner", room);
    String deep = stack.cotonoma(member, "Deeper", sub);
    String deepCoto = stack.post(member, "in the deep", null, deep);

    assertEquals(200, stack.call(owner, HttpMethod.GET, "/api/cotonomas/" + deep, null).statusCode(), "the owner opens it");
    assertEquals(List.of("in the deep"), contents(timeline(owner, deep)));
    JsonObject opened = stack.call(owner, HttpMethod.GET, "/api/cotonomas/" + sub, null).bodyAsJsonObject();
    assertTrue(opened.getBoolean("managed"), opened.encode());
    assertEquals(List.of("Deeper"), names(opened.getJsonArray("children")));
    assertEquals(200, stack.call(owner, HttpMethod.PUT, "/api/cotonomas/" + deep, new JsonObject().put("name", "Renamed"))
        .statusCode(), "the owner renames it");
    assertEquals("Renamed", stack.call(member, HttpMethod.GET, "/api/cotonomas/" + deep, null).bodyAsJsonObject()
        .getString("name"));

    assertProblem(stack.call(owner, HttpMethod.DELETE, "/api/cotonomas/" + room, null), 409, "cotonoma-not-empty");
    assertProblem(stack.call(owner, HttpMethod.DELETE, "/api/cotonomas/" + deep, null), 409, "cotonoma-not-empty");
    assertEquals(204, stack.call(owner, HttpMethod.DELETE, "/api/cotos/" + deepCoto, null).statusCode(),
        "the owner deletes a member's coto at any depth");
    assertEquals(204, stack.call(owner, HttpMethod.DELETE, "/api/cotonomas/" + deep, null).statusCode());
    assertEquals(204, stack.call(owner, HttpMethod.DELETE, "/api/cotonomas/" + sub, null).statusCode());
    assertEquals(204, stack.call(owner, HttpMethod.DELETE, "/api/cotonomas/" + room, null).statusCode(),
        "emptied, the room is deleted");
    assertProblem(stack.call(member, HttpMethod.GET, "/api/cotonomas/" + sub, null), 404, "not-found");
  }

  @Test
  @DisplayName("Membership inherits: members of a room read and post in its sub-cotonomas at any depth; a member of a sub-cotonoma alone cannot open its parent")
  void membershipInherits() throws Exception {
    User owner = user();
    User member = user();
    User subOnly = user();
    User stranger = user();
    String room = stack.cotonoma(owner, "Room", null);
    String sub = stack.cotonoma(owner, "Sub", room);
    String deep = stack.cotonoma(owner, "Deep", sub);
    stack.share(owner, room, member);
    stack.share(owner, sub, subOnly);

    assertEquals(201, stack.call(member, HttpMethod.POST, "/api/cotos", new JsonObject().put("content", "hello deep")
        .put("cotonomaKey", deep)).statusCode(), "a member of the room posts two levels down");
    assertEquals(List.of("hello deep"), contents(timeline(member, deep)));
    JsonObject seen = stack.call(member, HttpMethod.GET, "/api/cotonomas/" + deep, null).bodyAsJsonObject();
    assertEquals(List.of("Room", "Sub"), names(seen.getJsonArray("breadcrumbs")));
    assertFalse(seen.getBoolean("managed"));
    assertProblem(stack.call(member, HttpMethod.PUT, "/api/cotonomas/" + deep, new JsonObject().put("name", "Mine")), 403,
        "forbidden");
    assertProblem(stack.call(member, HttpMethod.POST, "/api/cotonomas/" + sub + "/members",
        new JsonObject().put("email", "x@example.com")), 403, "forbidden");

    assertEquals(List.of("hello deep"), contents(timeline(subOnly, deep)));
    assertEquals(List.of("Sub"), names(stack.call(subOnly, HttpMethod.GET, "/api/cotonomas/" + deep, null)
        .bodyAsJsonObject().getJsonArray("breadcrumbs")), "breadcrumbs stop where they may not go");
    assertProblem(stack.call(subOnly, HttpMethod.GET, "/api/cotonomas/" + room, null), 404, "not-found");

    for (String key : List.of(room, sub, deep)) {
      assertProblem(stack.call(stranger, HttpMethod.GET, "/api/cotonomas/" + key + "/cotos", null), 404, "not-found");
    }
  }

  @Test
  @DisplayName("Removed from the room, a member can no longer open, rename or post in the sub-cotonoma they created there, and their live subscription to it ends")
  void removedMemberLosesTheirSubCotonomas() throws Exception {
    User owner = user();
    User member = user();
    String room = stack.cotonoma(owner, "Room", null);
    stack.share(owner, room, member);
    String sub = stack.cotonoma(member, "Corner", room);
    assertEquals(200, stack.call(member, HttpMethod.PUT, "/api/cotonomas/" + sub, new JsonObject().put("name", "My corner"))
        .statusCode(), "while a member, they rename their own");
    assertTrue(names(myList(member)).contains("My corner"));

    LiveProbe live = connect(member);
    live.subscribe("cotonoma:" + sub, null);
    live.next("subscribed");

    assertEquals(204, stack.call(owner, HttpMethod.DELETE, "/api/cotonomas/" + room + "/members/" + member.email(), null)
        .statusCode());
    JsonObject ended = live.next("unsubscribed");
    assertEquals("cotonoma:" + sub, ended.getString("timeline"));

    assertProblem(stack.call(member, HttpMethod.PUT, "/api/cotonomas/" + sub, new JsonObject().put("name", "Still mine")),
        404, "not-found");
    assertProblem(stack.call(member, HttpMethod.GET, "/api/cotonomas/" + sub, null), 404, "not-found");
    assertProblem(stack.call(member, HttpMethod.POST, "/api/cotos", new JsonObject().put("content", "x")
        .put("cotonomaKey", sub)), 404, "not-found");
    assertProblem(stack.call(member, HttpMethod.DELETE, "/api/cotonomas/" + sub, null), 404, "not-found");
    assertEquals("My corner", stack.call(owner, HttpMethod.GET, "/api/cotonomas/" + sub, null).bodyAsJsonObject()
        .getString("name"), "the name did not change");
    assertEquals(List.of(), names(myList(member)), "nor does it stay in their list");
    live.ws.close();
  }

  @Test
  @DisplayName("My cotonomas lists the ones I own or am a member of, most recently active first, paged by cursor, shared ones and unread ones marked, read marks kept per user")
  void myCotonomas() throws Exception {
    User owner = user();
    User member = user();
    String a = stack.cotonoma(owner, "A", null);
    String b = stack.cotonoma(owner, "B", null);
    String c = stack.cotonoma(owner, "C", null);
    String notShared = stack.cotonoma(owner, "Private", null);
    stack.share(owner, a, member);
    stack.share(owner, b, member);
    stack.share(owner, c, member);
    String theirs = stack.cotonoma(member, "Theirs", null);
    stack.post(owner, "news in A", null, a);

    assertEquals(List.of("A", "Private", "C", "B"), names(myList(owner)), "owner: most recent first");
    JsonArray memberList = myList(member);
    assertEquals(List.of("A", "Theirs", "C", "B"), names(memberList));
    JsonObject first = memberList.getJsonObject(0);
    assertFalse(first.getBoolean("owned"), "shared with me");
    assertTrue(first.getBoolean("unread"), "someone else posted");
    assertTrue(memberList.getJsonObject(1).getBoolean("owned"));
    assertFalse(memberList.getJsonObject(1).getBoolean("unread"), "nothing by others");
    assertFalse(myList(owner).getJsonObject(0).getBoolean("unread"), "their own post is not news to the owner");

    // Pages of two, by cursor, no duplicates, no gaps.
    List<String> paged = new ArrayList<>();
    String next = null;
    do {
      HttpResponse<Buffer> page = stack.call(member, HttpMethod.GET, "/api/cotonomas?limit=2"
          + (next == null ? "" : "&before=" + next), null);
      assertEquals(200, page.statusCode(), page.bodyAsString());
      paged.addAll(names(page.bodyAsJsonObject().getJsonArray("cotonomas")));
      next = page.bodyAsJsonObject().getString("next");
    } while (next != null && paged.size() < 10);
    assertEquals(List.of("A", "Theirs", "C", "B"), paged);

    // Read on one device, read on all: the mark is the server's.
    assertEquals(204, stack.call(member, HttpMethod.PUT, "/api/cotonomas/" + a + "/read", null).statusCode());
    assertFalse(myList(member).getJsonObject(0).getBoolean("unread"));
    assertTrue(myList(owner).stream().map(JsonObject.class::cast).noneMatch(n -> n.getBoolean("unread")));
    stack.post(owner, "more", null, a);
    assertTrue(myList(member).getJsonObject(0).getBoolean("unread"), "new since last read");

    assertEquals(204, stack.call(owner, HttpMethod.DELETE, "/api/cotonomas/" + b + "/members/" + member.email(), null)
        .statusCode());
    assertEquals(List.of("A", "Theirs", "C"), names(myList(member)), "removed: gone from the list");

    User stranger = user();
    assertProblem(stack.call(stranger, HttpMethod.PUT, "/api/cotonomas/" + notShared + "/read", null), 404, "not-found");
    assertEquals(0, myList(stranger).size());
    assertProblem(stack.call(null, HttpMethod.GET, "/api/cotonomas", null), 401, "unauthorized");
    for (String bad : List.of("garbage", "12", "0.AAAAAAAAAAAAAAAAAAAAAA", "x." + theirs)) {
      assertProblem(stack.call(member, HttpMethod.GET, "/api/cotonomas?before=" + bad, null), 400, "invalid-cursor");
    }
    assertProblem(stack.call(member, HttpMethod.GET, "/api/cotonomas?limit=0", null), 400, "validation");
    assertNull(stack.call(member, HttpMethod.GET, "/api/cotonomas", null).bodyAsJsonObject().getString("next"));
  }

  @Test
  @DisplayName("Adding a member queues one invitation mail naming the room, who shared it and its link, in the sharer's language; adding again or removing queues nothing")
  void invitationMail() throws Exception {
    User owner = user();
    String room = stack.cotonoma(owner, "Book club", null);
    String invitee = "new-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    HttpResponse<Buffer> added = stack.call(owner, HttpMethod.POST, "/api/cotonomas/" + room + "/members",
        new JsonObject().put("email", invitee));
    assertEquals(201, added.statusCode(), added.bodyAsString());
    assertTrue(added.bodyAsJsonObject().getBoolean("invited"), added.bodyAsString());
    List<Map<String, String>> mails = mailsTo(invitee);
    assertEquals(1, mails.size(), "one mail, to an address with no account yet");
    Map<String, String> mail = mails.get(0);
    assertEquals("invitation", mail.get("kind"));
    String ownerName = owner.email().substring(0, owner.email().indexOf('@'));
    assertTrue(mail.get("subject").contains("Book club") && mail.get("subject").contains(ownerName), mail.get("subject"));
    assertTrue(mail.get("text").contains("http://localhost:8080/cotonomas/" + room), mail.get("text"));
    assertTrue(mail.get("html").contains("/cotonomas/" + room), mail.get("html"));
    assertNotNull(mail.get("messageId"));

    assertEquals(200, stack.call(owner, HttpMethod.POST, "/api/cotonomas/" + room + "/members",
        new JsonObject().put("email", invitee)).statusCode());
    assertEquals(204, stack.call(owner, HttpMethod.DELETE, "/api/cotonomas/" + room + "/members/" + invitee, null)
        .statusCode());
    assertEquals(1, mailsTo(invitee).size(), "adding again and removing send nothing");

    String japanese = "ja-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    HttpRequest<Buffer> request = http.client().request(HttpMethod.POST, "/api/cotonomas/" + room + "/members")
        .putHeader("Content-Type", "application/json").putHeader("Authorization", "Bearer " + owner.token())
        .putHeader("Accept-Language", "ja,en;q=0.5");
    assertEquals(201, http.send(request, Buffer.buffer(new JsonObject().put("email", japanese).encode())).statusCode());
    assertTrue(mailsTo(japanese).get(0).get("text").contains("共有しました"));
  }

  @Test
  @DisplayName("An invitee who signed in before gets the invitation in the language they signed in with, not the sharer's: ja for one, en for another")
  void invitationInTheInviteesLanguage() throws Exception {
    User owner = user();
    String room = stack.cotonoma(owner, "Tea room", null);
    String hanako = "hanako-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    String emma = "emma-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    assertNull(signInWith(hanako, "ja-JP,ja;q=0.9,en;q=0.5", null).getValue("returnTo"), "asked from no page: none");
    signInWith(emma, "en-GB,en;q=0.9", null);
    for (String[] invite : new String[][] {{hanako, "en-US,en;q=0.9"}, {emma, "ja,en;q=0.5"}}) {
      HttpRequest<Buffer> request = http.client().request(HttpMethod.POST, "/api/cotonomas/" + room + "/members")
          .putHeader("Content-Type", "application/json").putHeader("Authorization", "Bearer " + owner.token())
          .putHeader("Accept-Language", invite[1]);
      assertEquals(201, http.send(request, Buffer.buffer(new JsonObject().put("email", invite[0]).encode()))
          .statusCode());
    }
    Map<String, String> toHanako = mailsTo(hanako).stream().filter(m -> "invitation".equals(m.get("kind")))
        .findFirst().orElseThrow();
    assertTrue(toHanako.get("text").contains("共有しました"), "Japanese, though the sharer reads English: "
        + toHanako.get("text"));
    Map<String, String> toEmma = mailsTo(emma).stream().filter(m -> "invitation".equals(m.get("kind")))
        .findFirst().orElseThrow();
    assertFalse(toEmma.get("text").contains("共有しました"), "English, though the sharer reads Japanese: "
        + toEmma.get("text"));
  }

  @Test
  @DisplayName("A sign-in asked from a room's page leads back there from any browser: the link keeps returnTo and redeeming it gives it back; open-redirect forms are 400 problem+json and queue no mail")
  void signinLeadsBackToTheRoom() throws Exception {
    User owner = user();
    String room = stack.cotonoma(owner, "Landing", null);
    String email = "land-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    JsonObject session = signInWith(email, "en", "/cotonomas/" + room);
    assertEquals("/cotonomas/" + room, session.getString("returnTo"), session.encode());

    String target = "target-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    for (String bad : List.of("//evil.example", "/\\evil.example", "https://evil.example", "/%2F%2Fevil.example",
        "javascript:alert(1)", "/cotonomas/" + room + "/../..//evil.example", " /cotonomas/" + room)) {
      assertProblem(signinRequest(target, bad), 400, "validation");
    }
    assertProblem(signinRequest(target, 7), 400, "validation");
    assertEquals(List.of(), mailsTo(target), "a refused request queues no mail");
  }

  private static HttpResponse<Buffer> signinRequest(String email, Object returnTo) throws Exception {
    return http.send(http.client().post("/api/auth/signin-requests")
        .putHeader("Content-Type", "application/json").putHeader("Origin", "http://localhost:8080"),
            Buffer.buffer(new JsonObject().put("email", email).put("returnTo", returnTo).encode()));
  }

  /**
   * A real sign-in through the gateway (link from the outbox, redeemed without the asking
   * browser's cookies), confirmed by a browser speaking {@code language}; answers the session body.
   */
  private static JsonObject signInWith(String email, String language, String returnTo) throws Exception {
    assertEquals(202, signinRequest(email, returnTo).statusCode());
    String text = mailsTo(email).stream().filter(m -> "signin".equals(m.get("kind"))).findFirst().orElseThrow()
        .get("text");
    java.util.regex.Matcher link = java.util.regex.Pattern.compile("/signin/([A-Za-z0-9_-]{43})").matcher(text);
    assertTrue(link.find(), text);
    HttpResponse<Buffer> created = http.send(http.client().post("/api/auth/sessions")
        .putHeader("Content-Type", "application/json").putHeader("Origin", "http://localhost:8080")
        .putHeader("Accept-Language", language),
            Buffer.buffer(new JsonObject().put("token", link.group(1)).put("client", "mobile").encode()));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    return created.bodyAsJsonObject();
  }

  @Test
  @DisplayName("GET /api/users gives signed-in callers the current name and avatar of authors by id, never an email; bad lists are 400, anonymous callers 401")
  void authorsById() throws Exception {
    User ann = user();
    User bob = user();
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
         java.sql.PreparedStatement insert = c.prepareStatement(
             "INSERT INTO auth.users (id, email, name) VALUES (?::uuid, ?, ?)")) {
      for (User u : List.of(ann, bob)) {
        insert.setString(1, u.id());
        insert.setString(2, u.email());
        insert.setString(3, "Name of " + u.email().substring(0, 9));
        insert.executeUpdate();
      }
    }
    String unknown = UUID.randomUUID().toString();
    HttpResponse<Buffer> answer = stack.call(ann, HttpMethod.GET, "/api/users?ids=" + bob.id() + "," + ann.id() + ","
        + unknown, null);
    assertEquals(200, answer.statusCode(), answer.bodyAsString());
    JsonArray users = answer.bodyAsJsonObject().getJsonArray("users");
    assertEquals(2, users.size(), "the unknown id is left out");
    JsonObject bobSeen = users.stream().map(JsonObject.class::cast).filter(u -> bob.id().equals(u.getString("id")))
        .findFirst().orElseThrow();
    assertEquals("Name of " + bob.email().substring(0, 9), bobSeen.getString("name"));
    assertTrue(bobSeen.getString("avatarUrl").startsWith("https://"), bobSeen.encode());
    assertFalse(answer.bodyAsString().contains("@example.com"), "no email");

    assertProblem(stack.call(null, HttpMethod.GET, "/api/users?ids=" + bob.id(), null), 401, "unauthorized");
    assertProblem(stack.call(ann, HttpMethod.GET, "/api/users?ids=", null), 400, "validation");
    assertProblem(stack.call(ann, HttpMethod.GET, "/api/users?ids=nope", null), 400, "validation");
    String many = String.join(",", java.util.stream.Stream.generate(() -> UUID.randomUUID().toString()).limit(101)
        .toList());
    assertProblem(stack.call(ann, HttpMethod.GET, "/api/users?ids=" + many, null), 400, "validation");
  }

  /** The mails queued for mail-service to this address, oldest first. */
  private static List<Map<String, String>> mailsTo(String to) throws Exception {
    io.vertx.redis.client.RedisAPI api = io.vertx.redis.client.RedisAPI.api(io.vertx.redis.client.Redis.createClient(
        gateway.vertx(), redis.config().url()));
    try {
      io.vertx.redis.client.Response entries = Http.await(api.xrange(List.of(
          io.cotoami.common.bus.Addresses.MAIL_OUTBOX_STREAM, "-", "+")));
      List<Map<String, String>> mails = new ArrayList<>();
      for (io.vertx.redis.client.Response entry : entries) {
        io.vertx.redis.client.Response fields = entry.get(1);
        Map<String, String> stored = new HashMap<>();
        for (int i = 0; i + 1 < fields.size(); i += 2) {
          stored.put(fields.get(i).toString(), fields.get(i + 1).toString());
        }
        // Sealed at rest like sign-in mail: nothing but the id and the kind is readable in Redis.
        assertEquals(java.util.Set.of("messageId", "kind", io.cotoami.common.mail.OutboxSeal.SEALED), stored.keySet());
        io.cotoami.common.mail.OutboxMail opened = io.cotoami.common.mail.OutboxSeal.withKey(outboxKey)
            .open(stored.get("messageId"), stored);
        if (to.equals(opened.to())) {
          mails.add(Map.of("messageId", opened.messageId(), "kind", opened.kind(), "to", opened.to(),
              "subject", opened.subject(), "text", opened.text(), "html", opened.html()));
        }
      }
      return mails;
    } finally {
      api.close();
    }
  }

  private static JsonArray myList(User user) throws Exception {
    HttpResponse<Buffer> page = stack.call(user, HttpMethod.GET, "/api/cotonomas?limit=100", null);
    assertEquals(200, page.statusCode(), page.bodyAsString());
    return page.bodyAsJsonObject().getJsonArray("cotonomas");
  }

  private static LiveProbe connect(User user) throws Exception {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1")
        .setPort(gateway.httpPort()).setURI("/api/ws").addHeader("Authorization", "Bearer " + user.token());
    return new LiveProbe(Http.await(sockets.connect(options)));
  }

  private static JsonArray timeline(User user, String key) throws Exception {
    HttpResponse<Buffer> page = stack.call(user, HttpMethod.GET, "/api/cotonomas/" + key + "/cotos", null);
    assertEquals(200, page.statusCode(), page.bodyAsString());
    return page.bodyAsJsonObject().getJsonArray("cotos");
  }
}
