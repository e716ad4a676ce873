package io.cotoami.system;

import static io.cotoami.system.ApiAsserts.created;
import static io.cotoami.system.ApiAsserts.assertProblem;
import static io.cotoami.system.ApiAsserts.contents;
import static io.cotoami.system.ApiAsserts.names;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cotoami.common.bus.TimelineEventType;
import io.cotoami.common.config.PgConfig;
import io.cotoami.common.runtime.ServiceInstance;
import io.cotoami.infra.PostgresServer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import io.cotoami.system.ApiStack.User;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The memo domain through the gateway: a gateway, coto-service and auth-service as clustered
 * nodes on embedded PostgreSQL and Redis; users are signed in with tokens minted by a test key
 * pair that coto-service verifies.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CotoSystemTest {
  private static ApiStack stack;
  private static PostgresServer postgres;
  private static PgConfig pg;
  private static ServiceInstance gateway;
  private static ServiceInstance coto;
  private static ServiceInstance auth;
  private static Http http;

  @BeforeAll
  static void start() throws Exception {
    stack = ApiStack.start(Map.of("UPSTREAM_TIMEOUT", "10s"));
    postgres = stack.postgres();
    pg = stack.pg();
    gateway = stack.gateway();
    coto = stack.coto();
    auth = stack.auth();
    http = stack.http();
  }

  @AfterAll
  static void stop() throws Exception {
    if (stack != null) {
      stack.close();
    }
  }

  /** A signed-in person, as a mobile client would be: a bearer token. */
  private static User user(String email) {
    return stack.user(UUID.randomUUID().toString(), email);
  }

  private static User user() {
    return user("u" + UUID.randomUUID().toString().substring(0, 8) + "@example.com");
  }

  @Test
  @Order(1)
  @DisplayName("A signed-in user posts, reads, edits and deletes their coto; nobody else can read, edit or delete it")
  void cotosOfSignedInUsers() throws Exception {
    User alice = user();
    User mallory = user();
    HttpResponse<Buffer> posted = call(alice, HttpMethod.POST, "/api/cotos",
        new JsonObject().put("content", "Hello, **Cotoami**").put("summary", "first"));
    assertEquals(201, posted.statusCode(), posted.bodyAsString());
    JsonObject coto = posted.bodyAsJsonObject();
    String id = coto.getString("id");
    assertEquals("/api/cotos/" + id, posted.getHeader("Location"));
    assertEquals(alice.id(), coto.getString("authorId"));
    assertFalse(coto.getBoolean("anonymous"));
    assertTrue(posted.cookies().stream().noneMatch(c -> c.startsWith("anonymous_id=")),
        "no anonymous_id cookie for a signed-in user");

    assertEquals(coto, call(alice, HttpMethod.GET, "/api/cotos/" + id, null).bodyAsJsonObject());
    assertEquals(id, home(alice).getJsonObject(0).getString("id"));
    assertEquals(0, home(mallory).size(), "someone else's home is their own");
    assertEquals(0, http.get("/api/cotos").bodyAsJsonObject().getJsonArray("cotos").size(), "anonymous sees none");

    assertProblem(call(mallory, HttpMethod.GET, "/api/cotos/" + id, null), 404, "not-found");
    assertProblem(call(mallory, HttpMethod.PUT, "/api/cotos/" + id, new JsonObject().put("content", "mine")), 404,
        "not-found");
    assertProblem(call(mallory, HttpMethod.DELETE, "/api/cotos/" + id, null), 404, "not-found");

    HttpResponse<Buffer> edited = call(alice, HttpMethod.PUT, "/api/cotos/" + id,
        new JsonObject().put("content", "Hello again"));
    assertEquals(200, edited.statusCode(), edited.bodyAsString());
    assertEquals("Hello again", edited.bodyAsJsonObject().getString("content"));
    assertNull(edited.bodyAsJsonObject().getString("summary"), "PUT replaces the summary too");
    assertNotNull(edited.bodyAsJsonObject().getString("updatedAt"));

    assertEquals(204, call(alice, HttpMethod.DELETE, "/api/cotos/" + id, null).statusCode());
    assertProblem(call(alice, HttpMethod.GET, "/api/cotos/" + id, null), 404, "not-found");
    assertProblem(call(alice, HttpMethod.DELETE, "/api/cotos/" + id, null), 404, "not-found");
    assertEquals(0, home(alice).size());
  }

  @Test
  @Order(2)
  @DisplayName("Cotonomas nest, show breadcrumbs and sub-cotonomas, are posted to timelines, rename everywhere and are deleted only when empty")
  void cotonomas() throws Exception {
    User alice = user();
    JsonObject top = created(call(alice, HttpMethod.POST, "/api/cotonomas", new JsonObject().put("name", "Travel")));
    String topKey = top.getString("key");
    assertTrue(topKey.matches("[A-Za-z0-9_-]{22}"), topKey);
    assertEquals("Travel", top.getJsonObject("coto").getJsonObject("cotonoma").getString("name"));
    assertNull(top.getJsonObject("coto").getString("cotonomaKey"), "posted to the home timeline");

    JsonObject inTop = created(call(alice, HttpMethod.POST, "/api/cotos",
        new JsonObject().put("content", "Kyoto in spring").put("cotonomaKey", topKey)));
    assertEquals(topKey, inTop.getString("cotonomaKey"));
    JsonObject sub = created(call(alice, HttpMethod.POST, "/api/cotonomas",
        new JsonObject().put("name", "Japan").put("parentKey", topKey)));
    String subKey = sub.getString("key");
    assertEquals(topKey, sub.getString("parentKey"));
    JsonObject deep = created(call(alice, HttpMethod.POST, "/api/cotonomas",
        new JsonObject().put("name", "Kyoto").put("parentKey", subKey)));
    JsonObject inDeep = created(call(alice, HttpMethod.POST, "/api/cotos",
        new JsonObject().put("content", "Temples").put("cotonomaKey", deep.getString("key"))));

    JsonObject opened = call(alice, HttpMethod.GET, "/api/cotonomas/" + deep.getString("key"), null).bodyAsJsonObject();
    assertEquals(List.of("Travel", "Japan"), names(opened.getJsonArray("breadcrumbs")));
    assertEquals(List.of("Japan"), names(call(alice, HttpMethod.GET, "/api/cotonomas/" + topKey, null)
        .bodyAsJsonObject().getJsonArray("children")));

    // Home: everything alice posted, wherever, newest first.
    assertEquals(List.of("Temples", "Kyoto", "Japan", "Kyoto in spring", "Travel"), contents(home(alice)));
    // A cotonoma's timeline: what was posted in it, including the sub-cotonoma created there.
    assertEquals(List.of("Japan", "Kyoto in spring"), contents(timeline(alice, topKey)));

    HttpResponse<Buffer> renamed = call(alice, HttpMethod.PUT, "/api/cotonomas/" + subKey,
        new JsonObject().put("name", "Nippon"));
    assertEquals(200, renamed.statusCode(), renamed.bodyAsString());
    assertEquals("Nippon", renamed.bodyAsJsonObject().getString("name"));
    assertEquals(List.of("Nippon", "Kyoto in spring"), contents(timeline(alice, topKey)));
    assertEquals("Nippon", call(alice, HttpMethod.GET, "/api/cotos/" + sub.getJsonObject("coto").getString("id"), null)
        .bodyAsJsonObject().getJsonObject("cotonoma").getString("name"));
    assertEquals(List.of("Travel", "Nippon"), names(call(alice, HttpMethod.GET, "/api/cotonomas/"
        + deep.getString("key"), null).bodyAsJsonObject().getJsonArray("breadcrumbs")));
    assertProblem(call(alice, HttpMethod.PUT, "/api/cotonomas/" + subKey, new JsonObject().put("name", "travel")),
        409, "name-taken");
    assertProblem(call(alice, HttpMethod.POST, "/api/cotonomas", new JsonObject().put("name", " Travel ")), 409,
        "name-taken");
    assertProblem(call(alice, HttpMethod.PUT, "/api/cotos/" + sub.getJsonObject("coto").getString("id"),
        new JsonObject().put("content", "x")), 409, "coto-is-cotonoma");
    assertEquals(201, call(user(), HttpMethod.POST, "/api/cotonomas", new JsonObject().put("name", "Travel"))
        .statusCode(), "names are unique per owner only");

    assertProblem(call(alice, HttpMethod.DELETE, "/api/cotonomas/" + topKey, null), 409, "cotonoma-not-empty");
    assertEquals(204, call(alice, HttpMethod.DELETE, "/api/cotos/" + inDeep.getString("id"), null).statusCode());
    assertEquals(204, call(alice, HttpMethod.DELETE, "/api/cotonomas/" + deep.getString("key"), null).statusCode());
    assertProblem(call(alice, HttpMethod.GET, "/api/cotonomas/" + deep.getString("key"), null), 404, "not-found");
    assertEquals(List.of("Nippon", "Kyoto in spring", "Travel"), contents(home(alice)), "its coto went with it");
  }

  @Test
  @Order(3)
  @DisplayName("Twenty concurrent posts with one clientId give one coto, and every answer is that same coto")
  void idempotentPosts() throws Exception {
    User alice = user();
    JsonObject body = new JsonObject().put("content", "only once").put("clientId", "retry-" + UUID.randomUUID());
    List<Future<HttpResponse<Buffer>>> posts = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      posts.add(http.start(request(alice, HttpMethod.POST, "/api/cotos"), Buffer.buffer(body.encode())));
    }
    Http.await(Future.join(new ArrayList<>(posts)));
    Set<String> bodies = new HashSet<>();
    for (Future<HttpResponse<Buffer>> post : posts) {
      assertEquals(201, post.result().statusCode(), post.result().bodyAsString());
      bodies.add(post.result().bodyAsString());
    }
    assertEquals(1, bodies.size(), "the same coto, the same answer: " + bodies);
    assertEquals(1, home(alice).size());
    HttpResponse<Buffer> again = call(alice, HttpMethod.POST, "/api/cotos", body);
    assertEquals(bodies.iterator().next(), again.bodyAsString(), "a later retry too");
    assertEquals(201, call(user(), HttpMethod.POST, "/api/cotos", body).statusCode(), "client ids are per user");
    assertEquals(201, call(alice, HttpMethod.POST, "/api/cotos", body.copy().put("clientId", "other")).statusCode());
    assertEquals(2, home(alice).size());
  }

  @Test
  @Order(4)
  @DisplayName("Pages of the home timeline have no duplicates and no gaps while new cotos are posted concurrently")
  void paginationUnderConcurrentPosts() throws Exception {
    User alice = user();
    Set<String> before = new HashSet<>();
    for (int i = 0; i < 25; i++) {
      before.add(created(call(alice, HttpMethod.POST, "/api/cotos", new JsonObject().put("content", "old " + i)))
          .getString("id"));
    }
    List<Future<HttpResponse<Buffer>>> concurrent = new ArrayList<>();
    List<String> seen = new ArrayList<>();
    String next = null;
    int pages = 0;
    do {
      for (int i = 0; i < 3; i++) {
        concurrent.add(http.start(request(alice, HttpMethod.POST, "/api/cotos"),
            Buffer.buffer(new JsonObject().put("content", "new").encode())));
      }
      HttpResponse<Buffer> page = call(alice, HttpMethod.GET, "/api/cotos?limit=4" + (next == null ? "" : "&before="
          + next), null);
      assertEquals(200, page.statusCode(), page.bodyAsString());
      page.bodyAsJsonObject().getJsonArray("cotos").forEach(c -> seen.add(((JsonObject) c).getString("id")));
      next = page.bodyAsJsonObject().getString("next");
      pages++;
    } while (next != null && pages < 50);
    Http.await(Future.join(new ArrayList<>(concurrent)));
    assertEquals(seen.size(), new HashSet<>(seen).size(), "no duplicates across pages");
    assertTrue(seen.containsAll(before), "every coto that existed when paging started");
    assertProblem(call(alice, HttpMethod.GET, "/api/cotos?before=garbage", null), 400, "invalid-cursor");
    assertProblem(call(alice, HttpMethod.GET, "/api/cotos?before=-3", null), 400, "invalid-cursor");
    assertProblem(call(alice, HttpMethod.GET, "/api/cotos?limit=101", null), 400, "validation");
  }

  @Test
  @Order(5)
  @DisplayName("The owner shares a cotonoma by email; members read and post there, non-members get 404, only authors edit and owners also delete")
  void sharing() throws Exception {
    User owner = user();
    User stranger = user();
    JsonObject room = created(call(owner, HttpMethod.POST, "/api/cotonomas", new JsonObject().put("name", "Team")));
    String key = room.getString("key");
    String path = "/api/cotonomas/" + key;
    JsonObject ownerCoto = created(call(owner, HttpMethod.POST, "/api/cotos",
        new JsonObject().put("content", "agenda").put("cotonomaKey", key)));

    // A non-member probing the key learns nothing: 404 everywhere, exactly as for a key that does not exist.
    for (String probe : new String[] {path, path + "/cotos", path + "/members"}) {
      assertProblem(call(stranger, HttpMethod.GET, probe, null), 404, "not-found");
    }
    assertProblem(call(stranger, HttpMethod.POST, "/api/cotos",
        new JsonObject().put("content", "hi").put("cotonomaKey", key)), 404, "not-found");
    assertProblem(call(stranger, HttpMethod.GET, "/api/cotos/" + ownerCoto.getString("id"), null), 404, "not-found");
    assertProblem(call(stranger, HttpMethod.POST, path + "/members", new JsonObject().put("email", "x@example.com")),
        404, "not-found");
    assertEquals(call(stranger, HttpMethod.GET, "/api/cotonomas/AAAAAAAAAAAAAAAAAAAAAA", null).bodyAsJsonObject()
        .getString("detail"), call(stranger, HttpMethod.GET, path, null).bodyAsJsonObject().getString("detail"));

    // Added before they ever signed in, by an email typed loosely.
    HttpResponse<Buffer> added = call(owner, HttpMethod.POST, path + "/members",
        new JsonObject().put("email", "  Friend.One@Example.COM "));
    assertEquals(201, added.statusCode(), added.bodyAsString());
    assertEquals("friend.one@example.com", added.bodyAsJsonObject().getString("email"));
    assertEquals(200, call(owner, HttpMethod.POST, path + "/members",
        new JsonObject().put("email", "friend.one@example.com")).statusCode(), "adding twice changes nothing");
    User friend = user("friend.one@example.com");

    assertEquals("Team", call(friend, HttpMethod.GET, path, null).bodyAsJsonObject().getString("name"));
    JsonObject friendCoto = created(call(friend, HttpMethod.POST, "/api/cotos",
        new JsonObject().put("content", "count me in").put("cotonomaKey", key)));
    assertEquals(List.of("count me in", "agenda"), contents(timeline(owner, key)));
    assertEquals(List.of("count me in", "agenda"), contents(timeline(friend, key)));
    assertEquals("agenda", call(friend, HttpMethod.GET, "/api/cotos/" + ownerCoto.getString("id"), null)
        .bodyAsJsonObject().getString("content"));
    JsonObject members = call(friend, HttpMethod.GET, path + "/members", null).bodyAsJsonObject();
    assertEquals(owner.id(), members.getString("ownerId"));
    assertEquals("friend.one@example.com", members.getJsonArray("members").getJsonObject(0).getString("email"));

    assertProblem(call(friend, HttpMethod.PUT, "/api/cotos/" + ownerCoto.getString("id"),
        new JsonObject().put("content", "hijacked")), 403, "forbidden");
    assertProblem(call(friend, HttpMethod.DELETE, "/api/cotos/" + ownerCoto.getString("id"), null), 403, "forbidden");
    assertProblem(call(owner, HttpMethod.PUT, "/api/cotos/" + friendCoto.getString("id"),
        new JsonObject().put("content", "edited by owner")), 403, "forbidden");
    assertProblem(call(friend, HttpMethod.POST, path + "/members", new JsonObject().put("email", "x@example.com")),
        403, "forbidden");
    assertProblem(call(friend, HttpMethod.PUT, path, new JsonObject().put("name", "Mine")), 403, "forbidden");
    assertProblem(call(friend, HttpMethod.DELETE, path, null), 403, "forbidden");

    HttpResponse<Buffer> secondFriendCoto = call(friend, HttpMethod.POST, "/api/cotos",
        new JsonObject().put("content", "second").put("cotonomaKey", key));
    assertEquals(204, call(owner, HttpMethod.DELETE, "/api/cotos/" + secondFriendCoto.bodyAsJsonObject()
        .getString("id"), null).statusCode(), "the owner deletes cotos in their cotonoma");

    assertEquals(204, call(owner, HttpMethod.DELETE, path + "/members/Friend.One@example.com", null).statusCode());
    assertProblem(call(owner, HttpMethod.DELETE, path + "/members/friend.one@example.com", null), 404, "not-found");
    assertProblem(call(friend, HttpMethod.GET, path, null), 404, "not-found");
    assertProblem(call(friend, HttpMethod.GET, "/api/cotos/" + ownerCoto.getString("id"), null), 404, "not-found");
    assertEquals(List.of("count me in"), contents(home(friend)), "their own coto stays theirs");
  }

  @Test
  @Order(6)
  @DisplayName("Every change is published once on the cluster's bus with a per-timeline event id, persisted with the change")
  void events() throws Exception {
    ConcurrentLinkedQueue<JsonObject> received = new ConcurrentLinkedQueue<>();
    List<String> addresses = java.util.Arrays.stream(TimelineEventType.values()).map(TimelineEventType::address).toList();
    List<Future<Void>> registered = new ArrayList<>();
    // The consumers live on the gateway's node: the events cross the cluster.
    List<io.vertx.core.eventbus.MessageConsumer<JsonObject>> consumers = new ArrayList<>();
    for (String address : addresses) {
      var consumer = gateway.vertx().eventBus().<JsonObject>consumer(address, m -> received.add(m.body()));
      consumers.add(consumer);
      registered.add(consumer.completion());
    }
    Http.await(Future.all(registered));
    try {
      User alice = user();
      String key = created(call(alice, HttpMethod.POST, "/api/cotonomas", new JsonObject().put("name", "Live")))
          .getString("key");
      String id = created(call(alice, HttpMethod.POST, "/api/cotos",
          new JsonObject().put("content", "one").put("cotonomaKey", key))).getString("id");
      assertEquals(200, call(alice, HttpMethod.PUT, "/api/cotos/" + id, new JsonObject().put("content", "two"))
          .statusCode());
      assertEquals(201, call(alice, HttpMethod.POST, "/api/cotonomas/" + key + "/members",
          new JsonObject().put("email", "bob@example.com")).statusCode());
      assertEquals(204, call(alice, HttpMethod.DELETE, "/api/cotonomas/" + key + "/members/bob@example.com", null)
          .statusCode());
      assertEquals(200, call(alice, HttpMethod.PUT, "/api/cotonomas/" + key, new JsonObject().put("name", "Alive"))
          .statusCode());
      assertEquals(204, call(alice, HttpMethod.DELETE, "/api/cotos/" + id, null).statusCode());
      assertEquals(204, call(alice, HttpMethod.DELETE, "/api/cotonomas/" + key, null).statusCode());

      String timeline = "cotonoma:" + key;
      List<String> expected = List.of("cotonoma-created", "coto-posted", "coto-edited", "member-added",
          "member-removed", "cotonoma-renamed", "coto-deleted", "cotonoma-deleted");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (ofTimeline(received, timeline).size() < expected.size() && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(20);
      }
      List<JsonObject> events = ofTimeline(received, timeline);
      assertEquals(expected, events.stream().map(e -> e.getString("type")).toList());
      for (int i = 0; i < events.size(); i++) {
        assertEquals(i + 1, events.get(i).getLong("eventId"), "ids of a timeline count up from 1 without gaps");
      }
      assertEquals(id, events.get(1).getJsonObject("coto").getString("id"));
      assertEquals("bob@example.com", events.get(3).getString("email"));
      List<JsonObject> home = ofTimeline(received, "home:" + alice.id());
      assertEquals(List.of("cotonoma-created", "coto-posted", "coto-edited", "cotonoma-renamed", "coto-deleted",
          "cotonoma-deleted"), home.stream().map(e -> e.getString("type")).toList());

      // What was published is what is stored, so live clients can replay from the table.
      try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
           PreparedStatement s = c.prepareStatement(
               "SELECT event_id, type FROM coto.timeline_events WHERE timeline = ? ORDER BY event_id")) {
        s.setString(1, timeline);
        List<String> stored = new ArrayList<>();
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            stored.add(rs.getLong(1) + ":" + rs.getString(2));
          }
        }
        List<String> published = events.stream().map(e -> e.getLong("eventId") + ":" + e.getString("type")).toList();
        assertEquals(published, stored);
      }
    } finally {
      Http.await(Future.all(consumers.stream().map(c -> c.unregister()).toList()));
    }
  }

  @Test
  @Order(7)
  @DisplayName("Bad input gets 400/404 problem+json with stable types; unknown fields are ignored; content comes back verbatim")
  void badInputAndVerbatimContent() throws Exception {
    User alice = user();
    assertProblem(call(alice, HttpMethod.POST, "/api/cotos", new JsonObject().put("content", " ")), 400, "validation");
    assertProblem(call(alice, HttpMethod.POST, "/api/cotos", new JsonObject().put("content", "x".repeat(2501))), 400,
        "validation");
    assertProblem(call(alice, HttpMethod.POST, "/api/cotos", new JsonObject().put("content", "x")
        .put("summary", "s".repeat(201))), 400, "validation");
    assertProblem(call(alice, HttpMethod.POST, "/api/cotos", new JsonObject().put("content", 7)), 400, "validation");
    assertProblem(call(alice, HttpMethod.POST, "/api/cotos", new JsonObject().put("content", "x")
        .put("cotonomaKey", 12)), 400, "validation");
    assertProblem(call(alice, HttpMethod.POST, "/api/cotos", new JsonObject().put("content", "x")
        .put("clientId", "c".repeat(65))), 400, "validation");
    assertProblem(call(alice, HttpMethod.POST, "/api/cotos", new JsonObject().put("content", "x")
        .put("cotonomaKey", "no-such-cotonoma")), 404, "not-found");
    assertProblem(call(alice, HttpMethod.POST, "/api/cotonomas", new JsonObject().put("name", "")), 400, "validation");
    assertProblem(call(alice, HttpMethod.POST, "/api/cotonomas", new JsonObject().put("name", "n".repeat(51))), 400,
        "validation");
    assertProblem(call(alice, HttpMethod.POST, "/api/cotonomas", new JsonObject().put("name", List.of("a"))), 400,
        "validation");
    assertProblem(call(alice, HttpMethod.POST, "/api/cotonomas", new JsonObject().put("name", "x")
        .put("parentKey", "nope")), 404, "not-found");
    assertProblem(call(alice, HttpMethod.GET, "/api/cotos/not-a-uuid", null), 404, "not-found");
    assertProblem(call(alice, HttpMethod.GET, "/api/cotos/" + UUID.randomUUID(), null), 404, "not-found");
    assertProblem(call(alice, HttpMethod.GET, "/api/cotonomas/nope/cotos?before=zzz", null), 400, "invalid-cursor");
    assertEquals(0, home(alice).size(), "nothing half-written");
    assertEquals(0, call(alice, HttpMethod.GET, "/api/cotonomas/nope", null).bodyAsJsonObject()
        .getString("detail").indexOf("No cotonoma"), "a clear detail");

    String hostile = "<script>alert('x')</script> '; DROP TABLE cotos; -- \" OR 1=1 <img src=x onerror=alert(1)>";
    JsonObject posted = created(call(alice, HttpMethod.POST, "/api/cotos", new JsonObject().put("content", hostile)
        .put("summary", "<b>'--</b>").put("someFutureField", 42)));
    assertEquals(hostile, posted.getString("content"));
    assertEquals(hostile, call(alice, HttpMethod.GET, "/api/cotos/" + posted.getString("id"), null).bodyAsJsonObject()
        .getString("content"));
    assertEquals("<b>'--</b>", home(alice).getJsonObject(0).getString("summary"));
    JsonObject room = created(call(alice, HttpMethod.POST, "/api/cotonomas",
        new JsonObject().put("name", "<i>'; SELECT 1</i>")));
    assertEquals("<i>'; SELECT 1</i>", room.getString("name"));
  }

  @Test
  @Order(90)
  @DisplayName("The OpenAPI document and the routers of the gateway and the services list the same operations, both ways")
  void openApiMatchesRoutes() throws Exception {
    Set<String> documented = ApiContract.documented(ApiContract.load(gateway.vertx()));
    Set<String> served = ApiContract.served(gateway.servedRouter(), coto.servedRouter(), auth.servedRouter());
    assertTrue(served.contains("POST /api/auth/sessions") && served.contains("GET /api/cotos/{id}")
        && served.contains("GET /api/ws"), "the routers are read: " + served);
    Set<String> undocumented = new TreeSet<>(served);
    undocumented.removeAll(documented);
    Set<String> notServed = new TreeSet<>(documented);
    notServed.removeAll(served);
    assertEquals(Set.of(), undocumented, "served but not in the document");
    assertEquals(Set.of(), notServed, "in the document but not served");
    HttpResponse<Buffer> asyncApi = http.get("/asyncapi.yaml");
    assertEquals(200, asyncApi.statusCode());
    assertTrue(asyncApi.bodyAsString().startsWith("asyncapi: 3.0.0"), "the WebSocket's contract is served too");
  }

  @Test
  @Order(91)
  @DisplayName("HTTP details: a bearer client gets no cookie, a 405 names the allowed methods, every timestamp has milliseconds in UTC, re-adding a member answers the membership")
  void httpDetails() throws Exception {
    User alice = user();
    HttpResponse<Buffer> posted = call(alice, HttpMethod.POST, "/api/cotos", new JsonObject().put("content", "t"));
    assertEquals(201, posted.statusCode());
    assertEquals(List.of(), posted.headers().getAll("Set-Cookie"), "no cookie for a bearer client, not even a route");
    assertEquals(List.of(), call(alice, HttpMethod.GET, "/api/cotos", null).headers().getAll("Set-Cookie"));

    HttpResponse<Buffer> notAllowed = call(alice, HttpMethod.PUT, "/api/cotos", new JsonObject().put("content", "x"));
    assertProblem(notAllowed, 405, "method-not-allowed");
    assertEquals("GET, POST", notAllowed.getHeader("Allow"));

    String millis = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z";
    String id = posted.bodyAsJsonObject().getString("id");
    JsonObject edited = call(alice, HttpMethod.PUT, "/api/cotos/" + id, new JsonObject().put("content", "u"))
        .bodyAsJsonObject();
    assertTrue(edited.getString("postedAt").matches(millis), edited.encode());
    assertTrue(edited.getString("updatedAt").matches(millis), edited.encode());
    JsonObject room = created(call(alice, HttpMethod.POST, "/api/cotonomas", new JsonObject().put("name", "Ms")));
    assertTrue(room.getString("createdAt").matches(millis), room.encode());

    String members = "/api/cotonomas/" + room.getString("key") + "/members";
    HttpResponse<Buffer> added = call(alice, HttpMethod.POST, members, new JsonObject().put("email", "Bo@Example.com"));
    assertEquals(201, added.statusCode(), added.bodyAsString());
    String addedAt = added.bodyAsJsonObject().getString("addedAt");
    assertTrue(addedAt.matches(millis), addedAt);
    HttpResponse<Buffer> again = call(alice, HttpMethod.POST, members, new JsonObject().put("email", "bo@example.com"));
    assertEquals(200, again.statusCode(), again.bodyAsString());
    assertEquals(new JsonObject().put("email", "bo@example.com").put("addedAt", addedAt).put("invited", false),
        again.bodyAsJsonObject(), "the existing membership, not addedAt null, and no second invitation");
  }

  @Test
  @Order(92)
  @DisplayName("Refusals keep the document too: a body over the limit is 413, a body not JSON is 415, on POST and PUT; a write from another site is 403 cross-site-request, even with a bearer token")
  void refusalsThroughTheCheckedClient() throws Exception {
    User alice = user();
    String id = created(call(alice, HttpMethod.POST, "/api/cotos", new JsonObject().put("content", "r")))
        .getString("id");
    // Over HTTP_BODY_LIMIT (64 KiB by default): refused by the gateway before anything is forwarded.
    JsonObject huge = new JsonObject().put("content", "x".repeat(70 * 1024));
    assertProblem(call(alice, HttpMethod.POST, "/api/cotos", huge), 413, "payload-too-large");
    assertProblem(call(alice, HttpMethod.PUT, "/api/cotos/" + id, huge), 413, "payload-too-large");
    for (HttpMethod method : List.of(HttpMethod.POST, HttpMethod.PUT)) {
      HttpResponse<Buffer> notJson = http.send(request(alice, method, method == HttpMethod.POST ? "/api/cotos"
          : "/api/cotos/" + id).putHeader("Content-Type", "text/plain"), Buffer.buffer("content=x"));
      assertProblem(notJson, 415, "unsupported-media-type");
    }
    HttpResponse<Buffer> crossSite = http.send(request(alice, HttpMethod.POST, "/api/cotos")
        .putHeader("Origin", "https://evil.example"), Buffer.buffer(new JsonObject().put("content", "x").encode()));
    assertProblem(crossSite, 403, "cross-site-request");
    assertEquals(1, home(alice).size(), "nothing refused was stored");
  }

  @Test
  @Order(99)
  @DisplayName("PostgreSQL restarting under load: requests fail fast with 503, succeed again without a service restart, and no acknowledged coto is lost")
  void postgresRestart() throws Exception {
    User alice = user();
    AtomicBoolean running = new AtomicBoolean(true);
    ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Integer> statuses = new ConcurrentLinkedQueue<>();
    List<Thread> posters = new ArrayList<>();
    for (int p = 0; p < 2; p++) {
      int poster = p;
      Thread thread = new Thread(() -> {
        for (int i = 0; running.get(); i++) {
          try {
            HttpResponse<Buffer> answer = call(alice, HttpMethod.POST, "/api/cotos",
                new JsonObject().put("content", "load " + poster + "-" + i).put("clientId", poster + "-" + i));
            statuses.add(answer.statusCode());
            if (answer.statusCode() == 201) {
              acknowledged.add(answer.bodyAsJsonObject().getString("id"));
            } else {
              TimeUnit.MILLISECONDS.sleep(50);
            }
          } catch (Exception e) {
            statuses.add(-1);
          }
        }
      }, "poster-" + p);
      posters.add(thread);
      thread.start();
    }
    try {
      awaitAcknowledged(acknowledged, 5);
      postgres.stop();
      long start = System.nanoTime();
      HttpResponse<Buffer> down = call(alice, HttpMethod.POST, "/api/cotos", new JsonObject().put("content", "down"));
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertProblem(down, 503, "service-unavailable");
      assertEquals("1", down.getHeader("Retry-After"));
      assertTrue(millis < 5000, "fails fast: " + millis + " ms");
      int before = acknowledged.size();
      postgres.restart();
      awaitAcknowledged(acknowledged, before + 5);
    } finally {
      running.set(false);
      for (Thread thread : posters) {
        thread.join(30_000);
      }
    }
    assertTrue(statuses.stream().allMatch(s -> s == 201 || s == 503), "only 201 or 503: " + new HashSet<>(statuses));
    Set<String> stored = new HashSet<>();
    String next = null;
    do {
      JsonObject page = call(alice, HttpMethod.GET, "/api/cotos?limit=100" + (next == null ? "" : "&before=" + next),
          null).bodyAsJsonObject();
      page.getJsonArray("cotos").forEach(c -> stored.add(((JsonObject) c).getString("id")));
      next = page.getString("next");
    } while (next != null);
    assertTrue(stored.containsAll(acknowledged), "every acknowledged coto is there");
  }

  private static void awaitAcknowledged(ConcurrentLinkedQueue<String> acknowledged, int count) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (acknowledged.size() < count) {
      assertTrue(System.nanoTime() < deadline, "gave up waiting for " + count + " acknowledged posts");
      TimeUnit.MILLISECONDS.sleep(50);
    }
  }

  private static List<JsonObject> ofTimeline(ConcurrentLinkedQueue<JsonObject> events, String timeline) {
    return events.stream().filter(e -> timeline.equals(e.getString("timeline")))
        .sorted((a, b) -> Long.compare(a.getLong("eventId"), b.getLong("eventId"))).toList();
  }

  private static HttpRequest<Buffer> request(User user, HttpMethod method, String path) {
    HttpRequest<Buffer> request = http.client().request(method, path).putHeader("Content-Type", "application/json");
    if (user != null) {
      request.putHeader("Authorization", "Bearer " + user.token());
    }
    return request;
  }

  private static HttpResponse<Buffer> call(User user, HttpMethod method, String path, JsonObject body)
      throws Exception {
    HttpRequest<Buffer> request = request(user, method, path);
    return http.send(request, body == null ? null : Buffer.buffer(body.encode()));
  }

  private static JsonArray home(User user) throws Exception {
    HttpResponse<Buffer> page = call(user, HttpMethod.GET, "/api/cotos?limit=100", null);
    assertEquals(200, page.statusCode(), page.bodyAsString());
    return page.bodyAsJsonObject().getJsonArray("cotos");
  }

  private static JsonArray timeline(User user, String key) throws Exception {
    HttpResponse<Buffer> page = call(user, HttpMethod.GET, "/api/cotonomas/" + key + "/cotos", null);
    assertEquals(200, page.statusCode(), page.bodyAsString());
    return page.bodyAsJsonObject().getJsonArray("cotos");
  }
}
