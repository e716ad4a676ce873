package io.cotoami.coto.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cotoami.common.bus.TimelineEventType;
import io.cotoami.common.runtime.ServiceInstance;
import io.cotoami.coto.CotoServiceHarness;
import io.cotoami.infra.OnContext;
import io.cotoami.infra.PostgresServer;
import io.cotoami.infra.RedisServer;
import io.cotoami.infra.SessionKeyPair;
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
  private static SessionKeyPair keys;
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
    keys = harness.keys();
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
    Person owner = person("owner");
    String key = owner.cotonoma("Pins " + UUID.randomUUID().toString().substring(0, 8));
    String a = owner.coto("a", key);
    String b = owner.coto("b", key);
    String c = owner.coto("c", key);
    String pa = owner.pin(a, key).bodyAsJsonObject().getString("id");
    String pb = owner.pin(b, key).bodyAsJsonObject().getString("id");
    String pc = owner.pin(c, key).bodyAsJsonObject().getString("id");
    assertEquals(List.of(a, b, c), pinnedCotos(owner.stock(key, null)));
    assertProblem(owner.pin(a, key), 409, "already-pinned");

    HttpResponse<Buffer> reordered = owner.call(HttpMethod.PUT, "/api/graph/stock/order",
        new JsonObject().put("cotonomaKey", key).put("pinIds", new JsonArray(List.of(pc, pa, pb))));
    assertEquals(200, reordered.statusCode(), reordered.bodyAsString());
    assertEquals(List.of(c, a, b), pinnedCotos(owner.stock(key, null)));
    assertProblem(owner.call(HttpMethod.PUT, "/api/graph/stock/order",
        new JsonObject().put("cotonomaKey", key).put("pinIds", new JsonArray(List.of(pc, pa)))), 400, "validation");

    assertEquals(204, owner.call(HttpMethod.DELETE, "/api/graph/pins/" + pa, null).statusCode());
    assertEquals(List.of(c, b), pinnedCotos(owner.stock(key, null)));

    String homeCoto = owner.coto("at home", null);
    HttpResponse<Buffer> wrongStock = owner.pin(homeCoto, key);
    assertProblem(wrongStock, 400, "validation");
    assertTrue(wrongStock.bodyAsJsonObject().getString("detail").contains("cotoId"));
    assertEquals(201, owner.pin(homeCoto, null).statusCode());
    assertEquals(List.of(homeCoto), pinnedCotos(owner.stock(null, null)));
  }

  @Test
  @DisplayName("Cotos are connected with linking phrases, read as a neighbourhood both ways, relabeled, reordered and disconnected")
  void connectRelabelReorderDisconnect() throws Exception {
    Person me = person("linker");
    String a = me.coto("a", null);
    String b = me.coto("b", null);
    String c = me.coto("c", null);
    String ab = me.connect(a, b, "because", null).bodyAsJsonObject().getString("id");
    String ac = me.connect(a, c, "例えば", null).bodyAsJsonObject().getString("id");

    JsonObject around = me.neighbourhood(a);
    assertEquals(List.of(b, c), ends(around.getJsonArray("outgoing")));
    assertEquals("例えば", around.getJsonArray("outgoing").getJsonObject(1).getJsonObject("connection")
        .getString("linkingPhrase"));
    assertEquals(List.of(a), ends(me.neighbourhood(b).getJsonArray("incoming")));

    HttpResponse<Buffer> relabeled = me.call(HttpMethod.PUT, "/api/graph/connections/" + ab,
        new JsonObject().put("linkingPhrase", "so"));
    assertEquals(200, relabeled.statusCode(), relabeled.bodyAsString());
    assertEquals("so", relabeled.bodyAsJsonObject().getString("linkingPhrase"));
    assertProblem(me.call(HttpMethod.PUT, "/api/graph/connections/" + ab,
        new JsonObject().put("linkingPhrase", "x".repeat(201))), 400, "validation");

    HttpResponse<Buffer> reordered = me.call(HttpMethod.PUT, "/api/graph/cotos/" + a + "/order",
        new JsonObject().put("connectionIds", new JsonArray(List.of(ac, ab))));
    assertEquals(200, reordered.statusCode(), reordered.bodyAsString());
    assertEquals(List.of(c, b), ends(me.neighbourhood(a).getJsonArray("outgoing")));

    assertEquals(204, me.call(HttpMethod.DELETE, "/api/graph/connections/" + ac, null).statusCode());
    assertEquals(List.of(b), ends(me.neighbourhood(a).getJsonArray("outgoing")));
    assertProblem(me.connect(a, a, null, null), 400, "validation");
    HttpResponse<Buffer> noTarget = me.call(HttpMethod.POST, "/api/graph/connections",
        new JsonObject().put("sourceId", a));
    assertProblem(noTarget, 400, "validation");
    assertTrue(noTarget.bodyAsJsonObject().getString("detail").contains("targetId"));
  }

  @Test
  @DisplayName("A non-member can neither pin nor connect in a private cotonoma (404), a member can, and only the author or the owner removes a connection")
  void permissions() throws Exception {
    Person owner = person("room-owner");
    Person member = person("member-one");
    Person other = person("member-two");
    Person outsider = person("outsider");
    String key = owner.cotonoma("Shared " + UUID.randomUUID().toString().substring(0, 8));
    owner.addMember(key, member.email);
    owner.addMember(key, other.email);
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
    assertEquals(List.of(y), ends(owner.neighbourhood(x).getJsonArray("outgoing")), "nothing was removed");
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
    Person me = person("hub");
    String hub = me.coto("hub", null);
    for (int i = 0; i < 100; i++) {
      assertEquals(201, me.connect(hub, me.coto("spoke " + i, null), null, null).statusCode());
    }
    String last = me.coto("one too many", null);
    HttpResponse<Buffer> refused = me.connect(hub, last, null, "the-101st");
    assertProblem(refused, 409, "graph-limit");
    assertTrue(refused.bodyAsJsonObject().getString("detail").contains("GRAPH_CONNECTIONS_PER_COTO"));
    assertTrue(refused.bodyAsJsonObject().getString("detail").contains("100"));
    assertEquals(100, me.neighbourhood(hub).getJsonArray("outgoing").size());
    assertEquals(0, me.neighbourhood(last).getJsonArray("incoming").size());
  }

  @Test
  @DisplayName("The 201st pin of a stock is refused with a problem naming the limit, and the stock keeps 200")
  void pinLimit() throws Exception {
    Person me = person("collector");
    for (int i = 0; i < 200; i++) {
      assertEquals(201, me.pin(me.coto("pinned " + i, null), null).statusCode());
    }
    HttpResponse<Buffer> refused = me.pin(me.coto("one too many", null), null);
    assertProblem(refused, 409, "graph-limit");
    assertTrue(refused.bodyAsJsonObject().getString("detail").contains("GRAPH_PINS_PER_STOCK"));
    assertEquals(200, me.stock(null, 0).getJsonArray("pins").size());
  }

  @Test
  @DisplayName("A stock whose connections form a cycle is read to the deepest depth and the read ends, each coto once")
  void cycleTerminates() throws Exception {
    Person me = person("cyclist");
    String a = me.coto("a", null);
    String b = me.coto("b", null);
    String c = me.coto("c", null);
    me.connect(a, b, null, null);
    me.connect(b, c, null, null);
    me.connect(c, a, "back", null);
    me.pin(a, null);
    JsonObject stock = me.stock(null, 8);
    assertEquals(8, stock.getInteger("depth"));
    assertEquals(3, stock.getJsonArray("cotos").size(), stock.encodePrettily());
    assertEquals(3, stock.getJsonArray("connections").size(), stock.encodePrettily());
    assertEquals(2, me.stock(null, 1).getJsonArray("cotos").size(), "depth 1 reaches a and b only");
    assertProblem(me.call(HttpMethod.GET, "/api/graph/stock?depth=9", null), 400, "validation");
  }

  @Test
  @DisplayName("A stock reaching more cotos than GRAPH_MAX_NODES answers the nearest ones up to the bound and says it was cut; one within it says it was not")
  void stockIsCutAtTheNodeBound() throws Exception {
    Person me = person("sprawler");
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
    JsonObject cut = me.stock(null, 1);
    assertTrue(cut.getBoolean("truncated"), "more were reachable than the bound");
    assertEquals(MAX_NODES, cut.getJsonArray("cotos").size());
    java.util.Set<String> answered = cut.getJsonArray("cotos").stream().map(JsonObject.class::cast)
        .map(c -> c.getString("id")).collect(java.util.stream.Collectors.toSet());
    assertTrue(answered.containsAll(hubs), "the nearest, the pinned hubs, are answered first");
    JsonObject whole = me.stock(null, 0);
    assertFalse(whole.getBoolean("truncated"), "the three pins alone are within the bound");
    assertEquals(3, whole.getJsonArray("cotos").size());
  }

  @Test
  @DisplayName("Deleting a coto removes its connections and pins and publishes their removal; the other end stays where it was posted")
  void deletingACotoRemovesItsGraph() throws Exception {
    Person me = person("deleter");
    String a = me.coto("a", null);
    String b = me.coto("b", null);
    String ab = me.connect(a, b, null, null).bodyAsJsonObject().getString("id");
    me.pin(b, null);
    Queue<JsonObject> disconnected = listen(TimelineEventType.COTO_DISCONNECTED);
    Queue<JsonObject> unpinned = listen(TimelineEventType.COTO_UNPINNED);
    assertEquals(204, me.call(HttpMethod.DELETE, "/api/cotos/" + b, null).statusCode());
    assertEquals(0, me.neighbourhood(a).getJsonArray("outgoing").size());
    assertEquals(0, me.stock(null, null).getJsonArray("pins").size());
    assertNotNull(await(disconnected, e -> ab.equals(e.getString("connectionId"))));
    assertNotNull(await(unpinned, e -> b.equals(e.getString("cotoId"))));
    assertEquals(200, me.call(HttpMethod.GET, "/api/cotos/" + a, null).statusCode(), "the other end stays");
  }

  @Test
  @DisplayName("Deleting an empty cotonoma removes the connections of the coto announcing it and publishes their removal")
  void deletingACotonomaRemovesItsCotosConnections() throws Exception {
    Person me = person("room-deleter");
    HttpResponse<Buffer> created = me.call(HttpMethod.POST, "/api/cotonomas",
        new JsonObject().put("name", "Gone " + UUID.randomUUID().toString().substring(0, 8)));
    String key = created.bodyAsJsonObject().getString("key");
    String announcing = created.bodyAsJsonObject().getJsonObject("coto").getString("id");
    String note = me.coto("about that room", null);
    String link = me.connect(note, announcing, "see", null).bodyAsJsonObject().getString("id");
    Queue<JsonObject> disconnected = listen(TimelineEventType.COTO_DISCONNECTED);
    assertEquals(204, me.call(HttpMethod.DELETE, "/api/cotonomas/" + key, null).statusCode());
    assertEquals(0, me.neighbourhood(note).getJsonArray("outgoing").size());
    assertNotNull(await(disconnected, e -> link.equals(e.getString("connectionId"))));
  }

  @Test
  @DisplayName("A connection sent twice with one clientId, and twice at once with another, makes one connection each time")
  void clientIdMakesOne() throws Exception {
    Person me = person("retrier");
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
        racing.add(client.post("/api/graph/connections").putHeader("Authorization", "Bearer " + me.token)
            .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(body.encode())));
      }
      Future.all(racing).onComplete(ar -> both.complete(racing.stream().map(Future::result).toList()));
    });
    List<HttpResponse<Buffer>> answers = await(both);
    assertEquals(answers.get(0).bodyAsJsonObject().getString("id"), answers.get(1).bodyAsJsonObject().getString("id"),
        answers.get(0).bodyAsString() + answers.get(1).bodyAsString());
    assertEquals(List.of(b, c), ends(me.neighbourhood(a).getJsonArray("outgoing")));
  }

  @Test
  @DisplayName("A connection from a cotonoma's coto to a home coto is published on the connector's home only, never on the cotonoma's timeline")
  void noLeakToACotonomaTimeline() throws Exception {
    Person me = person("private");
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
    assertEquals(List.of("home:" + me.id), leakyTimelines);
  }

  // --- helpers ---

  private record Person(String id, String email, String token) {
    HttpResponse<Buffer> call(HttpMethod method, String path, JsonObject body) throws Exception {
      var request = client.request(method, path).putHeader("Authorization", "Bearer " + token);
      if (body == null) {
        return calls.await(request::send);
      }
      return calls.await(() -> request.putHeader("Content-Type", "application/json")
          .sendBuffer(Buffer.buffer(body.encode())));
    }

    String coto(String content, String key) throws Exception {
      HttpResponse<Buffer> posted = call(HttpMethod.POST, "/api/cotos",
          new JsonObject().put("content", content).put("cotonomaKey", key));
      assertEquals(201, posted.statusCode(), posted.bodyAsString());
      return posted.bodyAsJsonObject().getString("id");
    }

    String cotonoma(String name) throws Exception {
      HttpResponse<Buffer> created = call(HttpMethod.POST, "/api/cotonomas", new JsonObject().put("name", name));
      assertEquals(201, created.statusCode(), created.bodyAsString());
      return created.bodyAsJsonObject().getString("key");
    }

    void addMember(String key, String email) throws Exception {
      HttpResponse<Buffer> added = call(HttpMethod.POST, "/api/cotonomas/" + key + "/members",
          new JsonObject().put("email", email));
      assertTrue(added.statusCode() == 201 || added.statusCode() == 200, added.bodyAsString());
    }

    HttpResponse<Buffer> pin(String cotoId, String key) throws Exception {
      return call(HttpMethod.POST, "/api/graph/pins", new JsonObject().put("cotoId", cotoId).put("cotonomaKey", key));
    }

    HttpResponse<Buffer> connect(String source, String target, String phrase, String clientId) throws Exception {
      return call(HttpMethod.POST, "/api/graph/connections", new JsonObject().put("sourceId", source)
          .put("targetId", target).put("linkingPhrase", phrase).put("clientId", clientId));
    }

    JsonObject stock(String key, Integer depth) throws Exception {
      String query = (key == null ? "" : "cotonomaKey=" + key) + (depth == null ? "" : "&depth=" + depth);
      HttpResponse<Buffer> read = call(HttpMethod.GET, "/api/graph/stock?" + query, null);
      assertEquals(200, read.statusCode(), read.bodyAsString());
      return read.bodyAsJsonObject();
    }

    JsonObject neighbourhood(String cotoId) throws Exception {
      HttpResponse<Buffer> read = call(HttpMethod.GET, "/api/graph/cotos/" + cotoId, null);
      assertEquals(200, read.statusCode(), read.bodyAsString());
      return read.bodyAsJsonObject();
    }
  }

  private static Person person(String name) throws Exception {
    String id = UUID.randomUUID().toString();
    String email = name + "-" + id.substring(0, 8) + "@example.com";
    return new Person(id, email, keys.token(clientVertx, id, email, name));
  }

  private static HttpResponse<Buffer> anonymous(HttpMethod method, String path, JsonObject body) throws Exception {
    return calls.await(() -> client.request(method, path).putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer(body == null ? "" : body.encode())));
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
