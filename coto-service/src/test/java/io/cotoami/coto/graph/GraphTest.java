package io.cotoami.coto.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cotoami.common.bus.TimelineEventType;
import io.cotoami.common.runtime.ServiceInstance;
import io.cotoami.coto.CotoServiceHarness;
import io.cotoami.coto.TestPerson;
import io.cotoami.infra.OnContext;
import io.cotoami.infra.PostgresServer;
import io.cotoami.infra.RedisServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Pins and connections, through coto-service's own HTTP API, on real embedded PostgreSQL and Redis.
 * The timeout turns a graph read that loops on a cycle into a failure instead of a hang.
 */
@Timeout(120)
class GraphTest {
  private static final int MAX_NODES = 250;
  private static CotoServiceHarness harness;
  private static PostgresServer postgres;
  private static RedisServer redis;
  private static ServiceInstance service;
  private static Vertx clientVertx;
  private static OnContext calls;
  private static WebClient client;

  @BeforeAll
  static void start() throws Exception {
    // Low enough for stockIsCutAtTheNodeBound to pass it with a few hundred cotos; above every other test's reads.
    harness = CotoServiceHarness.start(Map.of("GRAPH_MAX_NODES", String.valueOf(MAX_NODES)));
    postgres = harness.postgres();
    redis = harness.redis();
    service = harness.service();
    clientVertx = harness.clientVertx();
    calls = harness.calls();
    client = harness.client();
  }

  @AfterAll
  static void stop() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  @DisplayName("An owner pins cotos to a cotonoma's stock, reorders and unpins them, and the stock reads back in that order")
  void pinReorderUnpin() throws Exception {
    TestPerson owner = person("owner");
    String key = owner.cotonoma("Pins " + UUID.randomUUID().toString().substring(0, 8));
    String a = owner.coto("a", key);
    String b = owner.coto("b", key);
    String c = owner.coto("c", key);
    String pa = owner.pin(a, key).bodyAsJsonObject().getString("id");
    String pb = owner.pin(b, key).bodyAsJsonObject().getString("id");
    String pc = owner.pin(c, key).bodyAsJsonObject().getString("id");
    assertEquals(List.of(a, b, c), pinnedCotos(stock(owner, key, null)));
    assertProblem(owner.pin(a, key), 409, "already-pinned");

    HttpResponse<Buffer> reordered = owner.call(HttpMethod.PUT, "/api/graph/stock/order",
        new JsonObject().put("cotonomaKey", key).put("pinIds", new JsonArray(List.of(pc, pa, pb))));
    assertEquals(200, reordered.statusCode(), reordered.bodyAsString());
    assertEquals(List.of(c, a, b), pinnedCotos(stock(owner, key, null)));
    assertProblem(owner.call(HttpMethod.PUT, "/api/graph/stock/order",
        new JsonObject().put("cotonomaKey", key).put("pinIds", new JsonArray(List.of(pc, pa)))), 400, "validation");

    assertEquals(204, owner.call(HttpMethod.DELETE, "/api/graph/pins/" + pa, null).statusCode());
    assertEquals(List.of(c, b), pinnedCotos(stock(owner, key, null)));

    String homeCoto = owner.coto("at home", null);
    HttpResponse<Buffer> wrongStock = owner.pin(homeCoto, key);
    assertProblem(wrongStock, 400, "validation");
    assertTrue(wrongStock.bodyAsJsonObject().getString("detail").contains("cotoId"));
    assertEquals(201, owner.pin(homeCoto, null).statusCode());
    assertEquals(List.of(homeCoto), pinnedCotos(stock(owner, null, null)));
  }

  @Test
  @DisplayName("Cotos are connected with linking phrases, read as a neighbourhood both ways, relabeled, reordered and disconnected")
  void connectRelabelReorderDisconnect() throws Exception {
    TestPerson me = person("linker");
    String a = me.coto("a", null);
    String b = me.coto("b", null);
    String c = me.coto("c", null);
    String ab = me.connect(a, b, "because", null).bodyAsJsonObject().getString("id");
    String ac = me.connect(a, c, "例えば", null).bodyAsJsonObject().getString("id");

    JsonObject around = neighbourhood(me, a);
    assertEquals(List.of(b, c), ends(around.getJsonArray("outgoing")));
    assertEquals("例えば", around.getJsonArray("outgoing").getJsonObject(1).getJsonObject("connection")
        .getString("linkingPhrase"));
    assertEquals(List.of(a), ends(neighbourhood(me, b).getJsonArray("incoming")));

    HttpResponse<Buffer> relabeled = me.call(HttpMethod.PUT, "/api/graph/connections/" + ab,
        new JsonObject().put("linkingPhrase", "so"));
    assertEquals(200, relabeled.statusCode(), relabeled.bodyAsString());
    assertEquals("so", relabeled.bodyAsJsonObject().getString("linkingPhrase"));
    assertProblem(me.call(HttpMethod.PUT, "/api/graph/connections/" + ab,
        new JsonObject().put("linkingPhrase", "x".repeat(201))), 400, "validation");

    HttpResponse<Buffer> reordered = me.call(HttpMethod.PUT, "/api/graph/cotos/" + a + "/order",
        new JsonObject().put("connectionIds", new JsonArray(List.of(ac, ab))));
    assertEquals(200, reordered.statusCode(), reordered.bodyAsString());
    assertEquals(List.of(c, b), ends(neighbourhood(me, a).getJsonArray("outgoing")));

    assertEquals(204, me.call(HttpMethod.DELETE, "/api/graph/connections/" + ac, null).statusCode());
    assertEquals(List.of(b), ends(neighbourhood(me, a).getJsonArray("outgoing")));
    assertProblem(me.connect(a, a, null, null), 400, "validation");
    HttpResponse<Buffer> noTarget = me.call(HttpMethod.POST, "/api/graph/connections",
        new JsonObject().put("sourceId", a));
    assertProblem(noTarget, 400, "validation");
    assertTrue(noTarget.bodyAsJsonObject().getString("detail").contains("targetId"));
  }

  @Test
  @DisplayName("A non-member can neither pin nor connect in a private cotonoma (404), a member can, and only the author or the owner removes a connection")
  void permissions() throws Exception {
    TestPerson owner = person("room-owner");
    TestPerson member = person("member-one");
    TestPerson other = person("member-two");
    TestPerson outsider = person("outsider");
    String key = owner.cotonoma("Shared " + UUID.randomUUID().toString().substring(0, 8));
    owner.addMember(key, member.email());
    owner.addMember(key, other.email());
    String x = owner.coto("x", key);
    String y = owner.coto("y", key);

    assertProblem(outsider.pin(x, key), 404, "not-found");
    assertProblem(outsider.connect(x, y, null, null), 404, "not-found");
    String mine = outsider.coto("outsider's own", null);
    assertProblem(outsider.connect(mine, x, null, null), 404, "not-found");

    assertEquals(201, member.pin(x, key).statusCode());
    String xy = member.connect(x, y, "then", null).bodyAsJsonObject().getString("id");
    assertProblem(other.call(HttpMethod.DELETE, "/api/graph/connections/" + xy, null), 403, "forbidden");
    assertProblem(other.call(HttpMethod.PUT, "/api/graph/connections/" + xy,
        new JsonObject().put("linkingPhrase", "hijacked")), 403, "forbidden");
    assertProblem(outsider.call(HttpMethod.DELETE, "/api/graph/connections/" + xy, null), 404, "not-found");
    assertEquals(List.of(y), ends(neighbourhood(owner, x).getJsonArray("outgoing")), "nothing was removed");
    assertEquals(204, owner.call(HttpMethod.DELETE, "/api/graph/connections/" + xy, null).statusCode());
    assertProblem(outsider.call(HttpMethod.GET, "/api/graph/cotonomas/" + key, null), 404, "not-found");
  }

  @Test
  @DisplayName("Every graph write of an anonymous caller is refused with 401 problem+json")
  void anonymousIsRefused() throws Exception {
    String id = UUID.randomUUID().toString();
    List<HttpResponse<Buffer>> answers = List.of(
        anonymous(HttpMethod.POST, "/api/graph/pins", new JsonObject().put("cotoId", id)),
        anonymous(HttpMethod.DELETE, "/api/graph/pins/" + id, null),
        anonymous(HttpMethod.PUT, "/api/graph/stock/order", new JsonObject().put("pinIds", new JsonArray())),
        anonymous(HttpMethod.POST, "/api/graph/connections", new JsonObject().put("sourceId", id).put("targetId", id)),
        anonymous(HttpMethod.PUT, "/api/graph/connections/" + id, new JsonObject()),
        anonymous(HttpMethod.DELETE, "/api/graph/connections/" + id, null),
        anonymous(HttpMethod.PUT, "/api/graph/cotos/" + id + "/order", new JsonObject()));
    for (HttpResponse<Buffer> answer : answers) {
      assertProblem(answer, 401, "unauthorized");
    }
  }

  @Test
  @DisplayName("The 101st connection out of a coto is refused with a problem naming the limit, and nothing is written")
  void connectionLimit() throws Exception {
    TestPerson me = person("hub");
    String hub = me.coto("hub", null);
    for (int i = 0; i < 100; i++) {
      assertEquals(201, me.connect(hub, me.coto("spoke " + i, null), null, null).statusCode());
    }
    String last = me.coto("one too many", null);
    HttpResponse<Buffer> refused = me.connect(hub, last, null, "the-101st");
    assertProblem(refused, 409, "graph-limit");
    assertTrue(refused.bodyAsJsonObject().getString("detail").contains("GRAPH_CONNECTIONS_PER_COTO"));
    assertTrue(refused.bodyAsJsonObject().getString("detail").contains("100"));
    assertEquals(100, neighbourhood(me, hub).getJsonArray("outgoing").size());
    assertEquals(0, neighbourhood(me, last).getJsonArray("incoming").size());
  }

  @Test
  @DisplayName("The 201st pin of a stock is refused with a problem naming the limit, and the stock keeps 200")
  void pinLimit() throws Exception {
    TestPerson me = person("collector");
    for (int i = 0; i < 200; i++) {
      assertEquals(201, me.pin(me.coto("pinned " + i, null), null).statusCode());
    }
    HttpResponse<Buffer> refused = me.pin(me.coto("one too many", null), null);
    assertProblem(refused, 409, "graph-limit");
    assertTrue(refused.bodyAsJsonObject().getString("detail").contains("GRAPH_PINS_PER_STOCK"));
    assertEquals(200, stock(me, null, 0).getJsonArray("pins").size());
  }

  @Test
  @DisplayName("A stock whose connections form a cycle is read to the deepest depth and the read ends, each coto once")
  void cycleTerminates() throws Exception {
    TestPerson me = person("cyclist");
    String a = me.coto("a", null);
    String b = me.coto("b", null);
    String c = me.coto("c", null);
    me.connect(a, b, null, null);
    me.connect(b, c, null, null);
    me.connect(c, a, "back", null);
    me.pin(a, null);
    JsonObject stock = stock(me, null, 8);
    assertEquals(8, stock.getInteger("depth"));
    assertEquals(3, stock.getJsonArray("cotos").size(), stock.encodePrettily());
    assertEquals(3, stock.getJsonArray("connections").size(), stock.encodePrettily());
    assertEquals(2, stock(me, null, 1).getJsonArray("cotos").size(), "depth 1 reaches a and b only");
    // As a tree: a, under it b, under b c, under c a once more (the cycle), not followed.
    JsonObject root = stock.getJsonArray("tree").getJsonObject(0);
    assertEquals(a, root.getString("cotoId"));
    assertEquals(stock.getJsonArray("pins").getJsonObject(0).getString("id"), root.getString("pinId"));
    JsonObject nodeB = root.getJsonArray("children").getJsonObject(0);
    JsonObject nodeC = nodeB.getJsonArray("children").getJsonObject(0);
    JsonObject again = nodeC.getJsonArray("children").getJsonObject(0);
    assertEquals(List.of(b, c, a), List.of(nodeB.getString("cotoId"), nodeC.getString("cotoId"), again.getString("cotoId")));
    assertEquals("back", again.getString("linkingPhrase"));
    assertEquals(true, again.getBoolean("again"), again.encode());
    assertTrue(again.getJsonArray("children").isEmpty(), "the cycle is not followed");
    assertProblem(me.call(HttpMethod.GET, "/api/graph/stock?depth=9", null), 400, "validation");
  }

  @Test
  @DisplayName("A stock reaching more cotos than GRAPH_MAX_NODES answers the nearest ones up to the bound and says it was cut; one within it says it was not")
  void stockIsCutAtTheNodeBound() throws Exception {
    TestPerson me = person("sprawler");
    List<String> hubs = new java.util.ArrayList<>();
    int reachable = 0;
    for (int spokes : new int[] {100, 100, 60}) {
      String hub = me.coto("hub " + hubs.size(), null);
      hubs.add(hub);
      for (int i = 0; i < spokes; i++) {
        assertEquals(201, me.connect(hub, me.coto("spoke " + i, null), null, null).statusCode());
      }
      assertEquals(201, me.pin(hub, null).statusCode());
      reachable += 1 + spokes;
    }
    assertTrue(reachable > MAX_NODES);
    JsonObject cut = stock(me, null, 1);
    assertTrue(cut.getBoolean("truncated"), "more were reachable than the bound");
    assertEquals(MAX_NODES, cut.getJsonArray("cotos").size());
    java.util.Set<String> answered = cut.getJsonArray("cotos").stream().map(JsonObject.class::cast)
        .map(c -> c.getString("id")).collect(java.util.stream.Collectors.toSet());
    assertTrue(answered.containsAll(hubs), "the nearest, the pinned hubs, are answered first");
    JsonObject whole = stock(me, null, 0);
    assertFalse(whole.getBoolean("truncated"), "the three pins alone are within the bound");
    assertEquals(3, whole.getJsonArray("cotos").size());
  }

  @Test
  @DisplayName("Deleting a coto removes its connections and pins and publishes their removal; the other end stays where it was posted")
  void deletingACotoRemovesItsGraph() throws Exception {
    TestPerson me = person("deleter");
    String a = me.coto("a", null);
    String b = me.coto("b", null);
    String ab = me.connect(a, b, null, null).bodyAsJsonObject().getString("id");
    me.pin(b, null);
    Queue<JsonObject> disconnected = listen(TimelineEventType.COTO_DISCONNECTED);
    Queue<JsonObject> unpinned = listen(TimelineEventType.COTO_UNPINNED);
    assertEquals(204, me.call(HttpMethod.DELETE, "/api/cotos/" + b, null).statusCode());
    assertEquals(0, neighbourhood(me, a).getJsonArray("outgoing").size());
    assertEquals(0, stock(me, null, null).getJsonArray("pins").size());
    assertNotNull(await(disconnected, e -> ab.equals(e.getString("connectionId"))));
    assertNotNull(await(unpinned, e -> b.equals(e.getString("cotoId"))));
    assertEquals(200, me.call(HttpMethod.GET, "/api/cotos/" + a, null).statusCode(), "the other end stays");
  }

  @Test
  @DisplayName("Deleting an empty cotonoma removes the connections of the coto announcing it and publishes their removal")
  void deletingACotonomaRemovesItsCotosConnections() throws Exception {
    TestPerson me = person("room-deleter");
    HttpResponse<Buffer> created = me.call(HttpMethod.POST, "/api/cotonomas",
        new JsonObject().put("name", "Gone " + UUID.randomUUID().toString().substring(0, 8)));
    String key = created.bodyAsJsonObject().getString("key");
    String announcing = created.bodyAsJsonObject().getJsonObject("coto").getString("id");
    String note = me.coto("about that room", null);
    String link = me.connect(note, announcing, "see", null).bodyAsJsonObject().getString("id");
    Queue<JsonObject> disconnected = listen(TimelineEventType.COTO_DISCONNECTED);
    assertEquals(204, me.call(HttpMethod.DELETE, "/api/cotonomas/" + key, null).statusCode());
    assertEquals(0, neighbourhood(me, note).getJsonArray("outgoing").size());
    assertNotNull(await(disconnected, e -> link.equals(e.getString("connectionId"))));
  }

  @Test
  @DisplayName("A connection sent twice with one clientId, and twice at once with another, makes one connection each time")
  void clientIdMakesOne() throws Exception {
    TestPerson me = person("retrier");
    String a = me.coto("a", null);
    String b = me.coto("b", null);
    String c = me.coto("c", null);
    HttpResponse<Buffer> first = me.connect(a, b, "once", "retry-1");
    HttpResponse<Buffer> again = me.connect(a, b, "once", "retry-1");
    assertEquals(201, first.statusCode(), first.bodyAsString());
    assertEquals(201, again.statusCode(), again.bodyAsString());
    assertEquals(first.bodyAsJsonObject().getString("id"), again.bodyAsJsonObject().getString("id"));

    JsonObject body = new JsonObject().put("sourceId", a).put("targetId", c).put("clientId", "race-1");
    List<Future<HttpResponse<Buffer>>> racing = new ArrayList<>();
    CompletableFuture<List<HttpResponse<Buffer>>> both = new CompletableFuture<>();
    clientVertx.runOnContext(v -> {
      for (int i = 0; i < 2; i++) {
        racing.add(client.post("/api/graph/connections").putHeader("Authorization", "Bearer " + me.token())
            .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(body.encode())));
      }
      Future.all(racing).onComplete(ar -> both.complete(racing.stream().map(Future::result).toList()));
    });
    List<HttpResponse<Buffer>> answers = await(both);
    assertEquals(answers.get(0).bodyAsJsonObject().getString("id"), answers.get(1).bodyAsJsonObject().getString("id"),
        answers.get(0).bodyAsString() + answers.get(1).bodyAsString());
    assertEquals(List.of(b, c), ends(neighbourhood(me, a).getJsonArray("outgoing")));
  }

  @Test
  @DisplayName("A connection from a cotonoma's coto to a home coto is published on the connector's home only, never on the cotonoma's timeline")
  void noLeakToACotonomaTimeline() throws Exception {
    TestPerson me = person("private");
    String key = me.cotonoma("Leak " + UUID.randomUUID().toString().substring(0, 8));
    String inRoom = me.coto("in the room", key);
    String roomToo = me.coto("also in the room", key);
    String secret = me.coto("secret at home", null);
    Queue<JsonObject> connected = listen(TimelineEventType.COTO_CONNECTED);
    String leaky = me.connect(inRoom, secret, "private phrase", null).bodyAsJsonObject().getString("id");
    String shared = me.connect(inRoom, roomToo, "fine", null).bodyAsJsonObject().getString("id");
    await(connected, e -> shared.equals(e.getJsonObject("connection").getString("id"))
        && ("cotonoma:" + key).equals(e.getString("timeline")));
    List<String> leakyTimelines = connected.stream()
        .filter(e -> leaky.equals(e.getJsonObject("connection").getString("id")))
        .map(e -> e.getString("timeline")).toList();
    assertEquals(List.of("home:" + me.id()), leakyTimelines);
  }

  @Test
  @DisplayName("A coto becomes a cotonoma inside its room, keeping its id, its place in the timeline, its pin and its connections, live on three timelines; a retry answers the same cotonoma")
  void cotonomatizeKeepsTheCoto() throws Exception {
    TestPerson me = person("thinker");
    String room = me.cotonoma("Ideas " + UUID.randomUUID().toString().substring(0, 8));
    String idea = me.coto("  Kyoto trip " + UUID.randomUUID().toString().substring(0, 8) + " ", room);
    String later = me.coto("a later coto", room);
    me.connect(idea, later, "then", null);
    assertEquals(201, me.pin(idea, room).statusCode());
    Queue<JsonObject> made = listen(TimelineEventType.COTO_COTONOMATIZED);

    HttpResponse<Buffer> first = me.call(HttpMethod.POST, "/api/cotos/" + idea + "/cotonomatize", null);
    assertEquals(201, first.statusCode(), first.bodyAsString());
    JsonObject cotonoma = first.bodyAsJsonObject();
    String key = cotonoma.getString("key");
    assertEquals("/api/cotonomas/" + key, first.getHeader("Location"));
    assertEquals(room, cotonoma.getString("parentKey"));
    assertEquals(idea, cotonoma.getJsonObject("coto").getString("id"), "the same coto, not a copy");
    assertTrue(cotonoma.getString("name").startsWith("Kyoto trip ") && !cotonoma.getString("name").endsWith(" "),
        cotonoma.getString("name"));
    assertEquals(cotonoma.getString("name"), cotonoma.getJsonObject("coto").getJsonObject("cotonoma").getString("name"));

    HttpResponse<Buffer> again = me.call(HttpMethod.POST, "/api/cotos/" + idea + "/cotonomatize", null);
    assertEquals(200, again.statusCode(), again.bodyAsString());
    assertEquals(key, again.bodyAsJsonObject().getString("key"));

    HttpResponse<Buffer> timeline = me.call(HttpMethod.GET, "/api/cotonomas/" + room + "/cotos", null);
    JsonArray cotos = timeline.bodyAsJsonObject().getJsonArray("cotos");
    List<String> order = new ArrayList<>();
    cotos.forEach(c -> order.add(((JsonObject) c).getString("id")));
    assertEquals(order.indexOf(later) + 1, order.indexOf(idea), "still just older than the later coto: " + order);
    assertEquals(key, cotos.getJsonObject(order.indexOf(idea)).getJsonObject("cotonoma").getString("key"));
    assertEquals(List.of(later), ends(neighbourhood(me, idea).getJsonArray("outgoing")));
    assertEquals(List.of(idea), pinnedCotos(stock(me, room, null)));
    HttpResponse<Buffer> opened = me.call(HttpMethod.GET, "/api/cotonomas/" + key, null);
    assertEquals(200, opened.statusCode(), opened.bodyAsString());
    assertEquals(room, opened.bodyAsJsonObject().getJsonArray("breadcrumbs").getJsonObject(0).getString("key"));
    assertProblem(me.call(HttpMethod.PUT, "/api/cotos/" + idea, new JsonObject().put("content", "edited")), 409,
        "coto-is-cotonoma");

    for (String timelineName : List.of("cotonoma:" + key, "home:" + me.id(), "cotonoma:" + room)) {
      await(made, e -> timelineName.equals(e.getString("timeline"))
          && key.equals(e.getJsonObject("cotonoma").getString("key")));
    }
    TimeUnit.MILLISECONDS.sleep(200);
    assertEquals(3, made.stream().filter(e -> key.equals(e.getJsonObject("cotonoma").getString("key"))).count(),
        "published once per timeline, and not again for the retry: " + made);
  }

  @Test
  @DisplayName("Only its author turns a coto into a cotonoma: a member gets 403, a stranger 404; a long or multi-line coto, or a name already taken, changes nothing")
  void cotonomatizeRefusals() throws Exception {
    TestPerson owner = person("owner");
    TestPerson member = person("member");
    TestPerson stranger = person("stranger");
    String room = owner.cotonoma("Shared " + UUID.randomUUID().toString().substring(0, 8));
    owner.addMember(room, member.email());
    String owners = owner.coto("owner's words", room);
    String atHome = owner.coto("at home", null);
    assertProblem(member.call(HttpMethod.POST, "/api/cotos/" + owners + "/cotonomatize", null), 403, "forbidden");
    assertProblem(stranger.call(HttpMethod.POST, "/api/cotos/" + owners + "/cotonomatize", null), 404, "not-found");
    assertProblem(stranger.call(HttpMethod.POST, "/api/cotos/" + atHome + "/cotonomatize", null), 404, "not-found");
    assertProblem(owner.call(HttpMethod.POST, "/api/cotos/not-a-uuid/cotonomatize", null), 404, "not-found");
    assertProblem(anonymous(HttpMethod.POST, "/api/cotos/" + atHome + "/cotonomatize", null), 401, "unauthorized");

    String tooLong = owner.coto("x".repeat(51), null);
    String twoLines = owner.coto("first line\nsecond", null);
    String taken = "Taken " + UUID.randomUUID().toString().substring(0, 8);
    owner.cotonoma(taken);
    String sameName = owner.coto(taken, null);
    assertProblem(owner.call(HttpMethod.POST, "/api/cotos/" + tooLong + "/cotonomatize", null), 409,
        "coto-too-long-for-a-name");
    assertProblem(owner.call(HttpMethod.POST, "/api/cotos/" + twoLines + "/cotonomatize", null), 409,
        "coto-too-long-for-a-name");
    assertProblem(owner.call(HttpMethod.POST, "/api/cotos/" + sameName + "/cotonomatize", null), 409, "name-taken");
    for (String id : List.of(owners, atHome, tooLong, twoLines, sameName)) {
      JsonObject coto = owner.call(HttpMethod.GET, "/api/cotos/" + id, null).bodyAsJsonObject();
      assertFalse(coto.containsKey("cotonoma"), "unchanged: " + coto);
    }
    HttpResponse<Buffer> mine = owner.call(HttpMethod.GET, "/api/cotonomas", null);
    assertEquals(2, mine.bodyAsJsonObject().getJsonArray("cotonomas").size(), "no cotonoma half-made: " + mine.bodyAsString());
  }

  @Test
  @DisplayName("Two cotonomatize calls at once make one cotonoma: one answers 201, the other 200 with the same key")
  void cotonomatizeAtOnce() throws Exception {
    TestPerson me = person("hasty");
    String id = me.coto("one room " + UUID.randomUUID().toString().substring(0, 8), null);
    String path = "/api/cotos/" + id + "/cotonomatize";
    oneMadeOneFound(atOnce(path, null, me, me), "key");
  }

  @Test
  @DisplayName("Two people reposting one coto into one cotonoma at once make one repost: one answers 201, the other 200 with it")
  void repostAtOnce() throws Exception {
    TestPerson owner = person("first");
    TestPerson member = person("second");
    String from = owner.cotonoma("From " + UUID.randomUUID().toString().substring(0, 8));
    String into = owner.cotonoma("Into " + UUID.randomUUID().toString().substring(0, 8));
    owner.addMember(from, member.email());
    owner.addMember(into, member.email());
    String path = "/api/cotos/" + owner.coto("worth sharing", from) + "/reposts";
    oneMadeOneFound(atOnce(path, new JsonObject().put("cotonomaKey", into), owner, member), "id");
    assertEquals(List.of("worth sharing"), contents(member, into));
  }

  @Test
  @DisplayName("A repost shows a coto in a second cotonoma without copying it: the original's edit reads there and is published there, its deletion takes the repost along, live, and a retry answers the same repost")
  void repostLinksBack() throws Exception {
    TestPerson owner = person("reposter");
    TestPerson member = person("reader");
    String privateRoom = owner.cotonoma("Private " + UUID.randomUUID().toString().substring(0, 8));
    String shared = owner.cotonoma("Shared " + UUID.randomUUID().toString().substring(0, 8));
    owner.addMember(shared, member.email());
    String original = owner.coto("first thought", privateRoom);

    HttpResponse<Buffer> made = owner.call(HttpMethod.POST, "/api/cotos/" + original + "/reposts",
        new JsonObject().put("cotonomaKey", shared));
    assertEquals(201, made.statusCode(), made.bodyAsString());
    JsonObject repost = made.bodyAsJsonObject();
    String repostId = repost.getString("id");
    assertFalse(original.equals(repostId), "a row of its own");
    assertEquals("/api/cotos/" + repostId, made.getHeader("Location"));
    assertEquals(shared, repost.getString("cotonomaKey"));
    assertEquals(new JsonObject().put("id", original).put("authorId", owner.id()), repost.getJsonObject("repostOf"));
    assertEquals("first thought", repost.getString("content"));
    HttpResponse<Buffer> again = owner.call(HttpMethod.POST, "/api/cotos/" + original + "/reposts",
        new JsonObject().put("cotonomaKey", shared));
    assertEquals(200, again.statusCode(), again.bodyAsString());
    assertEquals(repostId, again.bodyAsJsonObject().getString("id"));

    assertEquals(List.of("first thought"), contents(member, shared));
    assertProblem(member.call(HttpMethod.GET, "/api/cotos/" + original, null), 404, "not-found");
    assertProblem(member.call(HttpMethod.PUT, "/api/cotos/" + repostId, new JsonObject().put("content", "mine")), 409,
        "coto-is-repost");
    assertProblem(owner.call(HttpMethod.PUT, "/api/cotos/" + repostId, new JsonObject().put("content", "x")), 409,
        "coto-is-repost");
    assertProblem(owner.call(HttpMethod.POST, "/api/cotos/" + repostId + "/cotonomatize", null), 409, "coto-is-repost");

    Queue<JsonObject> edited = listen(TimelineEventType.COTO_EDITED);
    HttpResponse<Buffer> edit = owner.call(HttpMethod.PUT, "/api/cotos/" + original,
        new JsonObject().put("content", "second thought"));
    assertEquals(200, edit.statusCode(), edit.bodyAsString());
    JsonObject seen = await(edited, e -> ("cotonoma:" + shared).equals(e.getString("timeline")));
    assertEquals(repostId, seen.getJsonObject("coto").getString("id"));
    assertEquals("second thought", seen.getJsonObject("coto").getString("content"));
    assertEquals(List.of("second thought"), contents(member, shared));

    Queue<JsonObject> deleted = listen(TimelineEventType.COTO_DELETED);
    assertEquals(204, owner.call(HttpMethod.DELETE, "/api/cotos/" + original, null).statusCode());
    assertEquals(repostId, await(deleted, e -> ("cotonoma:" + shared).equals(e.getString("timeline")))
        .getString("cotoId"));
    assertEquals(List.of(), contents(member, shared));
    assertProblem(owner.call(HttpMethod.GET, "/api/cotos/" + repostId, null), 404, "not-found");
  }

  @Test
  @DisplayName("Reposting needs a coto one may read and a cotonoma one may open; its own cotonoma, a cotonoma's coto or no cotonomaKey are refused with nothing written; a repost of a repost reposts the original; deleting a repost keeps the original")
  void repostRefusals() throws Exception {
    TestPerson owner = person("owner");
    TestPerson member = person("member");
    TestPerson stranger = person("stranger");
    String room = owner.cotonoma("Room " + UUID.randomUUID().toString().substring(0, 8));
    String ownersOnly = owner.cotonoma("Owner's " + UUID.randomUUID().toString().substring(0, 8));
    owner.addMember(room, member.email());
    String membersRoom = member.cotonoma("Member's " + UUID.randomUUID().toString().substring(0, 8));
    String inRoom = owner.coto("in the room", room);
    String path = "/api/cotos/" + inRoom + "/reposts";

    assertProblem(stranger.call(HttpMethod.POST, path, new JsonObject().put("cotonomaKey", membersRoom)), 404, "not-found");
    assertProblem(member.call(HttpMethod.POST, path, new JsonObject().put("cotonomaKey", ownersOnly)), 404, "not-found");
    assertProblem(owner.call(HttpMethod.POST, path, new JsonObject().put("cotonomaKey", room)), 409, "cannot-repost");
    assertProblem(owner.call(HttpMethod.POST, path, new JsonObject()), 400, "validation");
    assertProblem(anonymous(HttpMethod.POST, path, new JsonObject().put("cotonomaKey", ownersOnly)), 401, "unauthorized");
    String cotonomaCoto = owner.call(HttpMethod.POST, "/api/cotonomas", new JsonObject().put("name",
        "Sub " + UUID.randomUUID().toString().substring(0, 8)).put("parentKey", room)).bodyAsJsonObject()
        .getJsonObject("coto").getString("id");
    assertProblem(owner.call(HttpMethod.POST, "/api/cotos/" + cotonomaCoto + "/reposts",
        new JsonObject().put("cotonomaKey", ownersOnly)), 409, "cannot-repost");
    assertEquals(List.of(), contents(owner, ownersOnly), "nothing written by the refusals");

    HttpResponse<Buffer> first = owner.call(HttpMethod.POST, path, new JsonObject().put("cotonomaKey", ownersOnly));
    assertEquals(201, first.statusCode(), first.bodyAsString());
    String firstId = first.bodyAsJsonObject().getString("id");
    HttpResponse<Buffer> second = member.call(HttpMethod.POST, "/api/cotos/" + firstId + "/reposts",
        new JsonObject().put("cotonomaKey", membersRoom));
    assertProblem(second, 404, "not-found"); // the member cannot read the owner's private room, nor its repost
    HttpResponse<Buffer> fromRoom = member.call(HttpMethod.POST, path, new JsonObject().put("cotonomaKey", membersRoom));
    assertEquals(201, fromRoom.statusCode(), fromRoom.bodyAsString());
    String memberRepost = fromRoom.bodyAsJsonObject().getString("id");
    HttpResponse<Buffer> ofRepost = owner.call(HttpMethod.POST, "/api/cotos/" + firstId + "/reposts",
        new JsonObject().put("cotonomaKey", membersRoom));
    assertProblem(ofRepost, 404, "not-found"); // the owner is no member of the member's room
    member.addMember(membersRoom, owner.email());
    HttpResponse<Buffer> resolved = owner.call(HttpMethod.POST, "/api/cotos/" + firstId + "/reposts",
        new JsonObject().put("cotonomaKey", membersRoom));
    assertEquals(200, resolved.statusCode(), "a repost of a repost is the original's, already there: " + resolved.bodyAsString());
    assertEquals(memberRepost, resolved.bodyAsJsonObject().getString("id"));
    assertEquals(inRoom, resolved.bodyAsJsonObject().getJsonObject("repostOf").getString("id"));

    assertEquals(204, member.call(HttpMethod.DELETE, "/api/cotos/" + memberRepost, null).statusCode());
    assertEquals(200, owner.call(HttpMethod.GET, "/api/cotos/" + inRoom, null).statusCode(), "the original stays");
    assertEquals(List.of("in the room"), contents(owner, ownersOnly), "and so does its other repost");
  }

  @Test
  @DisplayName("A cotonoma's stock exports as Markdown: pins as a list, connections nested with their phrases; who may not open the cotonoma gets the same 404 as for the stock, and a bad depth 400")
  void stockAsMarkdown() throws Exception {
    TestPerson me = person("outliner");
    TestPerson stranger = person("stranger");
    String key = me.cotonoma("Outline " + UUID.randomUUID().toString().substring(0, 8));
    String trip = me.coto("Trip", key);
    String temples = me.coto("Temples", key);
    String noon = me.coto("Lunch\nat noon", key);
    me.pin(trip, key);
    me.pin(noon, key);
    me.connect(trip, temples, "例えば", null);
    String path = "/api/graph/stock.md?cotonomaKey=" + key;
    HttpResponse<Buffer> md = me.call(HttpMethod.GET, path, null);
    assertEquals(200, md.statusCode(), md.bodyAsString());
    assertEquals("text/plain; charset=utf-8", md.getHeader("Content-Type"));
    assertTrue(md.getHeader("Content-Disposition").startsWith("attachment"), md.getHeader("Content-Disposition"));
    assertEquals("- Trip\n  - *例えば*: Temples\n- Lunch\n  at noon\n", md.bodyAsString());
    assertEquals("- Trip\n- Lunch\n  at noon\n", me.call(HttpMethod.GET, path + "&depth=0", null).bodyAsString());
    assertProblem(stranger.call(HttpMethod.GET, path, null), 404, "not-found");
    assertProblem(me.call(HttpMethod.GET, path + "&depth=99", null), 400, "validation");
    assertProblem(anonymous(HttpMethod.GET, path, null), 401, "unauthorized");
  }

  // --- helpers ---

  private static JsonObject stock(TestPerson person, String key, Integer depth) throws Exception {
    String query = (key == null ? "" : "cotonomaKey=" + key) + (depth == null ? "" : "&depth=" + depth);
    HttpResponse<Buffer> read = person.call(HttpMethod.GET, "/api/graph/stock?" + query, null);
    assertEquals(200, read.statusCode(), read.bodyAsString());
    return read.bodyAsJsonObject();
  }

  private static JsonObject neighbourhood(TestPerson person, String cotoId) throws Exception {
    HttpResponse<Buffer> read = person.call(HttpMethod.GET, "/api/graph/cotos/" + cotoId, null);
    assertEquals(200, read.statusCode(), read.bodyAsString());
    return read.bodyAsJsonObject();
  }

  private static TestPerson person(String name) {
    return TestPerson.named(harness, name);
  }


  private static HttpResponse<Buffer> anonymous(HttpMethod method, String path, JsonObject body) throws Exception {
    return calls.await(() -> client.request(method, path).putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer(body == null ? "" : body.encode())));
  }

  /** One POST per person, all started before any answers; their answers. */
  private static List<HttpResponse<Buffer>> atOnce(String path, JsonObject body, TestPerson... people) throws Exception {
    List<Future<HttpResponse<Buffer>>> calling = new ArrayList<>();
    for (TestPerson person : people) {
      calling.add(calls.start(() -> {
        var request = client.post(path).putHeader("Authorization", "Bearer " + person.token());
        return body == null ? request.send() : request.putHeader("Content-Type", "application/json")
            .sendBuffer(Buffer.buffer(body.encode()));
      }));
    }
    await(Future.all(calling).toCompletionStage().toCompletableFuture());
    return calling.stream().map(Future::result).toList();
  }

  /** Of two answers, one made the thing (201) and the other found it (200): the same {@code field}. */
  private static void oneMadeOneFound(List<HttpResponse<Buffer>> answers, String field) {
    List<Integer> statuses = new ArrayList<>(answers.stream().map(HttpResponse::statusCode).toList());
    statuses.sort(null);
    String bodies = answers.get(0).bodyAsString() + " / " + answers.get(1).bodyAsString();
    assertEquals(List.of(200, 201), statuses, bodies);
    assertEquals(answers.get(0).bodyAsJsonObject().getString(field), answers.get(1).bodyAsJsonObject().getString(field),
        bodies);
  }

  /** The contents on a cotonoma's timeline, newest first, as {@code person} reads them. */
  private static List<String> contents(TestPerson person, String key) throws Exception {
    HttpResponse<Buffer> read = person.call(HttpMethod.GET, "/api/cotonomas/" + key + "/cotos", null);
    assertEquals(200, read.statusCode(), read.bodyAsString());
    List<String> texts = new ArrayList<>();
    read.bodyAsJsonObject().getJsonArray("cotos").forEach(c -> {
      JsonObject coto = (JsonObject) c;
      if (!coto.containsKey("cotonoma")) {
        texts.add(coto.getString("content"));
      }
    });
    return texts;
  }

  private static List<String> pinnedCotos(JsonObject stock) {
    List<String> ids = new ArrayList<>();
    stock.getJsonArray("pins").forEach(p -> ids.add(((JsonObject) p).getString("cotoId")));
    return ids;
  }

  private static List<String> ends(JsonArray list) {
    List<String> ids = new ArrayList<>();
    list.forEach(e -> ids.add(((JsonObject) e).getJsonObject("coto").getString("id")));
    return ids;
  }

  private static Queue<JsonObject> listen(TimelineEventType type) throws Exception {
    Queue<JsonObject> received = new ConcurrentLinkedQueue<>();
    MessageConsumer<JsonObject> consumer = service.vertx().eventBus().consumer(type.address(),
        m -> received.add(m.body()));
    await(consumer.completion().toCompletionStage().toCompletableFuture());
    return received;
  }

  /** The first event matching, waited for up to 10 s (events are published after the commit, asynchronously). */
  private static JsonObject await(Queue<JsonObject> received, Predicate<JsonObject> wanted) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      for (JsonObject event : received) {
        if (wanted.test(event)) {
          return event;
        }
      }
      TimeUnit.MILLISECONDS.sleep(20);
    }
    throw new AssertionError("no such event among " + received);
  }

  private static void assertProblem(HttpResponse<Buffer> response, int status, String slug) {
    assertEquals(status, response.statusCode(), response.bodyAsString());
    assertEquals("application/problem+json", response.getHeader("Content-Type"));
    assertEquals("urn:cotoami:problem:" + slug, response.bodyAsJsonObject().getString("type"));
    assertFalse(response.bodyAsString().contains("Exception"), "no internals in the body");
  }

  private static <T> T await(CompletableFuture<T> future) throws Exception {
    return future.get(90, TimeUnit.SECONDS);
  }
}
