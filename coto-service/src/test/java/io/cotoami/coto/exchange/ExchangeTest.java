package io.cotoami.coto.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cotoami.coto.CotoServiceHarness;
import io.cotoami.coto.TestPerson;
import io.cotoami.infra.OnContext;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Export and import through coto-service's own HTTP API, on real embedded PostgreSQL and Redis. */
@Timeout(180)
class ExchangeTest {
  /** Low, so that an import can be made to break the bound only once it has written its cotos. */
  private static final int PINS_PER_STOCK = 5;
  private static CotoServiceHarness harness;
  private static OnContext calls;
  private static WebClient client;

  @BeforeAll
  static void start() throws Exception {
    harness = CotoServiceHarness.start(Map.of("GRAPH_PINS_PER_STOCK", String.valueOf(PINS_PER_STOCK)));
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
  @DisplayName("An account exported and imported into a fresh account gives the same graph, and importing the same file again adds nothing")
  void roundTrip() throws Exception {
    TestPerson alice = person("alice");
    TestPerson bob = person("bob");
    String trip = alice.cotonoma("Trip", null);
    String sub = alice.cotonoma("Kyoto days", trip);
    alice.addMember(trip, "friend@example.com");
    alice.addMember(trip, bob.email());
    String home1 = alice.coto("会議 at home", null, "a summary");
    String inTrip = alice.coto("京都 in the trip", trip, null);
    String inSub = alice.coto("temples in the sub", sub, null);
    String last = alice.coto("the last one", trip, null);
    String bobs = bob.cotonoma("Bob's room", null);
    bob.addMember(bobs, alice.email());
    String elsewhere = alice.coto("mine in bob's room", bobs, null);
    alice.ok(HttpMethod.POST, "/api/cotos/" + inTrip + "/reposts", new JsonObject().put("cotonomaKey", sub));
    alice.ok(HttpMethod.PUT, "/api/cotos/" + home1, new JsonObject().put("content", "会議 at home, edited")
        .put("summary", "a summary"));
    pinned(alice, inTrip, trip);
    pinned(alice, last, trip);
    pinned(alice, home1, null);
    pinned(alice, inSub, null);
    connected(alice, home1, inTrip, "例えば");
    connected(alice, home1, inSub, null);
    connected(alice, inTrip, last, "because");
    connected(alice, inSub, elsewhere, "see");
    // Not Alice's: Bob's coto, connected from hers, stays out of her export.
    String bobsCoto = bob.coto("bob's own", bobs, null);
    connected(alice, elsewhere, bobsCoto, "not exported");

    JsonObject exported = export(alice);
    assertEquals("cotoami-export", exported.getString("format"));
    assertEquals(1, exported.getInteger("version"));
    List<String> graph = graph(exported);
    assertTrue(graph.contains("coto [mine in bob's room] null in home"), graph.toString());
    assertTrue(graph.stream().noneMatch(line -> line.contains("bob's own")), graph.toString());

    TestPerson carol = person("carol");
    JsonObject job = importDocument(carol, exported);
    assertEquals("done", job.getString("state"), job.encode());
    assertEquals(job.getInteger("total"), job.getInteger("done"));
    JsonObject again = export(carol);
    assertEquals(graph, graph(again), "the same graph in the fresh account");
    assertTrue(again.getJsonArray("cotos").stream().map(c -> ((JsonObject) c).getString("id"))
        .noneMatch(id -> id.equals(home1)), "imported cotos have ids of their own");

    JsonObject twice = importDocument(carol, exported);
    assertEquals("done", twice.getString("state"), twice.encode());
    assertEquals(new JsonObject().put("cotonomas", 0).put("cotos", 0).put("reposts", 0).put("pins", 0)
        .put("connections", 0), twice.getJsonObject("result").getJsonObject("created"));
    assertEquals(graph, graph(export(carol)), "no duplicates after the second import");

    // Imported into the account it came from, names are taken: the cotonomas come in as "(2)".
    JsonObject back = importDocument(alice, exported);
    assertEquals("done", back.getString("state"), back.encode());
    assertEquals(new JsonArray(List.of("Trip → Trip (2)", "Kyoto days → Kyoto days (2)")),
        back.getJsonObject("result").getJsonArray("renamed"));
  }

  @Test
  @DisplayName("A document with a bad record is refused with a problem naming the first one, and nothing of it is written")
  void badRecords() throws Exception {
    TestPerson dave = person("dave");
    JsonObject good = new JsonObject().put("format", "cotoami-export").put("version", 1)
        .put("cotonomas", new JsonArray().add(new JsonObject().put("key", "k1").put("name", "Room")))
        .put("cotos", new JsonArray()
            .add(new JsonObject().put("id", "c1").put("content", "one").put("cotonomaKey", "k1"))
            .add(new JsonObject().put("id", "c2").put("content", "two"))
            .add(new JsonObject().put("id", "c3").put("content", "three")))
        .put("pins", new JsonArray().add(new JsonObject().put("id", "p1").put("cotoId", "c2")));

    JsonObject tooLong = good.copy();
    tooLong.getJsonArray("cotos").add(new JsonObject().put("id", "c4").put("content", "x".repeat(2501)))
        .add(new JsonObject().put("id", "c5").put("content", ""));
    assertBad(post(dave, tooLong), "/cotos/3", "2500");

    JsonObject dangling = good.copy();
    dangling.getJsonArray("pins").add(new JsonObject().put("id", "p2").put("cotoId", "nowhere"));
    assertBad(post(dave, dangling), "/pins/1", "cotoId");

    JsonObject wrongRoom = good.copy();
    wrongRoom.getJsonArray("pins").add(new JsonObject().put("id", "p2").put("cotoId", "c2").put("cotonomaKey", "k1"));
    assertBad(post(dave, wrongRoom), "/pins/1", "posted in that cotonoma");

    JsonObject orphan = good.copy();
    orphan.getJsonArray("cotonomas").add(new JsonObject().put("key", "k2").put("name", "Child").put("parentKey", "k9"));
    assertBad(post(dave, orphan), "/cotonomas/1", "parentKey");

    assertBad(post(dave, good.copy().put("format", "something-else")), "/format", "format");
    assertBad(post(dave, good.copy().put("version", 2)), "/version", "version");
    HttpResponse<Buffer> cut = postRaw(dave, good.encode().substring(0, good.encode().length() - 30));
    assertEquals(400, cut.statusCode(), cut.bodyAsString());
    assertEquals("urn:cotoami:problem:invalid-document", cut.bodyAsJsonObject().getString("type"));

    JsonObject nothing = export(dave);
    assertEquals(0, nothing.getJsonArray("cotos").size(), "nothing was written");
    assertEquals(0, nothing.getJsonArray("cotonomas").size());

    JsonObject job = importDocument(dave, good);
    assertEquals("done", job.getString("state"), job.encode());
    assertEquals(3, export(dave).getJsonArray("cotos").size() - 1, "three cotos and the room's own");
  }

  @Test
  @DisplayName("An import that breaks a bound only once its cotos are written fails as a job, and none of it stays")
  void failedJobLeavesNothing() throws Exception {
    TestPerson erin = person("erin");
    for (int i = 0; i < 3; i++) {
      pinned(erin, erin.coto("pinned before " + i, null, null), null);
    }
    JsonArray cotos = new JsonArray();
    JsonArray pins = new JsonArray();
    for (int i = 0; i < 1200; i++) {
      cotos.add(new JsonObject().put("id", "c" + i).put("content", "imported " + i));
    }
    for (int i = 0; i < 3; i++) {
      pins.add(new JsonObject().put("id", "p" + i).put("cotoId", "c" + i).put("position", i));
    }
    JsonObject document = new JsonObject().put("format", "cotoami-export").put("version", 1)
        .put("cotos", cotos).put("pins", pins);
    JsonObject job = importDocument(erin, document);
    assertEquals("failed", job.getString("state"), job.encode());
    assertEquals("urn:cotoami:problem:graph-limit", job.getJsonObject("problem").getString("type"));
    JsonObject after = export(erin);
    assertEquals(3, after.getJsonArray("cotos").size(), "the 1,200 written cotos were rolled back");
    assertEquals(3, after.getJsonArray("pins").size());
  }

  @Test
  @DisplayName("Nobody reads another person's import job, and an anonymous caller can neither export nor import")
  void privacy() throws Exception {
    TestPerson frank = person("frank");
    TestPerson grace = person("grace");
    HttpResponse<Buffer> started = postRaw(frank, new JsonObject().put("format", "cotoami-export").put("version", 1)
        .put("cotos", new JsonArray().add(new JsonObject().put("id", "a").put("content", "frank's"))).encode());
    assertEquals(202, started.statusCode(), started.bodyAsString());
    String location = started.getHeader("Location");
    assertNotNull(location);
    assertEquals(404, grace.call(HttpMethod.GET, location, null).statusCode());
    assertEquals(404, grace.call(HttpMethod.GET, "/api/import/not-a-uuid", null).statusCode());
    assertEquals(401, calls.await(() -> client.get("/api/export").send()).statusCode());
    assertEquals(401, calls.await(() -> client.post("/api/import").putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer("{}"))).statusCode());
    assertEquals(415, frank.call(HttpMethod.POST, "/api/import", null).statusCode());
  }

  private static void assertBad(HttpResponse<Buffer> answer, String pointer, String detailMentions) {
    assertEquals(400, answer.statusCode(), answer.bodyAsString());
    JsonObject problem = answer.bodyAsJsonObject();
    assertEquals("urn:cotoami:problem:invalid-document", problem.getString("type"));
    assertEquals(pointer, problem.getString("pointer"), problem.encode());
    assertTrue(problem.getString("detail").contains(detailMentions), problem.encode());
  }

  /**
   * The graph a document describes, without its ids: each cotonoma by name, parent and members; each coto
   * by text, room and times; reposts, pins (in stock order) and connections (in outline order) by the
   * texts they join. Two documents of the same graph give the same lines.
   */
  static List<String> graph(JsonObject doc) {
    Map<String, String> rooms = new HashMap<>();
    Map<String, String> texts = new HashMap<>();
    Map<String, String> placeOf = new HashMap<>();
    List<String> lines = new ArrayList<>();
    for (Object o : doc.getJsonArray("cotonomas")) {
      JsonObject c = (JsonObject) o;
      rooms.put(c.getString("key"), c.getString("name"));
      lines.add("cotonoma [" + c.getString("name") + "] in " + rooms.getOrDefault(c.getString("parentKey"), "-")
          + " members " + c.getJsonArray("members").encode() + " created " + c.getString("createdAt"));
    }
    for (Object o : doc.getJsonArray("cotos")) {
      JsonObject c = (JsonObject) o;
      texts.put(c.getString("id"), c.getString("content"));
      placeOf.put(c.getString("id"), rooms.getOrDefault(c.getString("cotonomaKey"), "home"));
      lines.add("coto [" + c.getString("content") + "] " + c.getString("summary", "-") + " in "
          + rooms.getOrDefault(c.getString("cotonomaKey"), "home")
          + (c.getString("asCotonoma") == null ? "" : " announces " + rooms.get(c.getString("asCotonoma"))));
      lines.add("times [" + c.getString("content") + "] " + c.getString("postedAt") + " " + c.getString("updatedAt"));
    }
    for (Object o : doc.getJsonArray("reposts")) {
      JsonObject r = (JsonObject) o;
      texts.put(r.getString("id"), "repost of " + texts.get(r.getString("of")));
      lines.add("repost [" + texts.get(r.getString("of")) + "] in " + rooms.get(r.getString("cotonomaKey")));
    }
    Map<String, List<JsonObject>> stocks = new HashMap<>();
    for (Object o : doc.getJsonArray("pins")) {
      JsonObject p = (JsonObject) o;
      stocks.computeIfAbsent(rooms.getOrDefault(p.getString("cotonomaKey"), "home"), k -> new ArrayList<>()).add(p);
    }
    stocks.forEach((stock, pins) -> {
      pins.sort(Comparator.comparing(p -> p.getInteger("position")));
      for (int i = 0; i < pins.size(); i++) {
        lines.add("pin " + stock + " #" + i + " [" + texts.get(pins.get(i).getString("cotoId")) + "]");
      }
    });
    Map<String, List<JsonObject>> outlines = new HashMap<>();
    for (Object o : doc.getJsonArray("connections")) {
      JsonObject k = (JsonObject) o;
      outlines.computeIfAbsent(texts.get(k.getString("sourceId")), s -> new ArrayList<>()).add(k);
    }
    outlines.forEach((source, out) -> {
      out.sort(Comparator.comparing(k -> k.getInteger("position")));
      for (int i = 0; i < out.size(); i++) {
        JsonObject k = out.get(i);
        lines.add("connection [" + source + "] #" + i + " -> [" + texts.get(k.getString("targetId")) + "] '"
            + k.getString("linkingPhrase") + "'");
      }
    });
    lines.sort(null);
    return lines;
  }

  private static TestPerson person(String name) {
    return TestPerson.named(harness, name);
  }

  private static void pinned(TestPerson person, String coto, String key) throws Exception {
    HttpResponse<Buffer> answer = person.pin(coto, key);
    assertEquals(201, answer.statusCode(), answer.bodyAsString());
  }

  private static void connected(TestPerson person, String from, String to, String phrase) throws Exception {
    HttpResponse<Buffer> answer = person.connect(from, to, phrase, null);
    assertEquals(201, answer.statusCode(), answer.bodyAsString());
  }

  private static JsonObject export(TestPerson person) throws Exception {
    HttpResponse<Buffer> answer = person.call(HttpMethod.GET, "/api/export", null);
    assertEquals(200, answer.statusCode(), answer.bodyAsString());
    assertTrue(answer.getHeader("Content-Disposition").contains("cotoami-export.json"));
    return answer.bodyAsJsonObject();
  }

  private static HttpResponse<Buffer> post(TestPerson person, JsonObject document) throws Exception {
    return postRaw(person, document.encode());
  }

  private static HttpResponse<Buffer> postRaw(TestPerson person, String document) throws Exception {
    return calls.await(() -> client.post("/api/import").putHeader("Authorization", "Bearer " + person.token())
        .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(document)));
  }

  /** Imports and waits for the job to end; the job as it ended. */
  private static JsonObject importDocument(TestPerson person, JsonObject document) throws Exception {
    HttpResponse<Buffer> started = post(person, document);
    assertEquals(202, started.statusCode(), started.bodyAsString());
    String location = started.getHeader("Location");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      JsonObject job = person.ok(HttpMethod.GET, location, null);
      if (!"running".equals(job.getString("state"))) {
        return job;
      }
      assertTrue(System.nanoTime() < deadline, "the import did not end within 60 s: " + job.encode());
      TimeUnit.MILLISECONDS.sleep(50);
    }
  }

}
