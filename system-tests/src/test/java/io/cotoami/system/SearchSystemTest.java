package io.cotoami.system;

import static io.cotoami.system.ApiAsserts.assertProblem;
import static io.cotoami.system.ApiAsserts.contents;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.cotoami.common.runtime.ServiceInstance;
import io.cotoami.system.ApiStack.User;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Search (issue 20, item 5) through the gateway: a gateway, coto-service and auth-service on
 * embedded PostgreSQL and Redis; users sign in with tokens minted by a test key pair. Each test's
 * users are new, so what they find is only what the test gave them to read.
 */
@Timeout(120)
class SearchSystemTest {
  private static ApiStack stack;
  private static ServiceInstance gateway;
  private static Http http;

  @BeforeAll
  static void start() throws Exception {
    stack = ApiStack.start(Map.of("UPSTREAM_TIMEOUT", "10s"));
    gateway = stack.gateway();
    http = stack.http();
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
  @DisplayName("京都 is found inside Japanese text, in a summary and in a cotonoma's name, newest first; a 2- and a 10-character query find exactly their cotos")
  void japanese() throws Exception {
    User me = user();
    stack.post(me, "今日は京都で会議でした", null, null);
    stack.post(me, "大阪の資料", "京都メモ", null);
    String room = stack.cotonoma(me, "京都旅行", null);
    stack.post(me, "明日京都で会議をする予定", null, room);
    stack.post(me, "東京の会議室", null, null);

    assertEquals(List.of("明日京都で会議をする予定", "京都旅行", "大阪の資料", "今日は京都で会議でした"),
        contents(found(me, "京都")));
    JsonObject named = found(me, "旅行").getJsonObject(0);
    assertEquals(room, named.getJsonObject("cotonoma").getString("key"), "a cotonoma is found by its name");
    assertEquals(List.of("東京の会議室", "明日京都で会議をする予定", "今日は京都で会議でした"), contents(found(me, "会議")));
    assertEquals(List.of("明日京都で会議をする予定"), contents(found(me, "明日京都で会議をする")));
    assertEquals(List.of("明日京都で会議をする予定", "今日は京都で会議でした"), contents(found(me, "会議　京都")),
        "terms split on a full-width space, each must be there");
    User other = user();
    stack.post(other, "会議で議論", null, null);
    assertEquals(List.of(), contents(found(other, "会議論")), "its bigrams are all there, but not in a row");
    assertEquals(List.of("会議で議論"), contents(found(other, "議論")));
    assertEquals(List.of("明日京都で会議をする予定"), contents(page(me, "q=" + enc("京都") + "&cotonomaKey=" + room)
        .getJsonArray("cotos")));

    JsonObject first = page(me, "q=" + enc("京都") + "&limit=3");
    assertEquals(3, first.getJsonArray("cotos").size());
    assertNotNull(first.getString("next"));
    JsonObject rest = page(me, "q=" + enc("京都") + "&limit=3&before=" + first.getString("next"));
    assertEquals(List.of("今日は京都で会議でした"), contents(rest.getJsonArray("cotos")));
    assertNull(rest.getString("next"));
  }

  @Test
  @DisplayName("A stranger's search never finds another's cotos, at home or in a private cotonoma, and may not search that cotonoma")
  void strangerFindsNothing() throws Exception {
    User owner = user();
    User stranger = user();
    String word = word();
    String room = stack.cotonoma(owner, "Private " + word, null);
    stack.post(owner, "home secret " + word, null, null);
    stack.post(owner, "room secret " + word, null, room);
    assertEquals(3, found(owner, word).size(), "the owner finds all three");

    assertEquals(List.of(), contents(found(stranger, word)));
    assertProblem(call(stranger, "/api/search?q=" + word + "&cotonomaKey=" + room), 404, "not-found");
  }

  @Test
  @DisplayName("A member of a sub-cotonoma alone finds its cotos and its name, and nothing of the room above it")
  void subCotonomaMemberFindsOnlyBelow() throws Exception {
    User owner = user();
    User subOnly = user();
    String word = word();
    String room = stack.cotonoma(owner, "Room " + word, null);
    String sub = stack.cotonoma(owner, "Sub " + word, room);
    stack.share(owner, sub, subOnly);
    stack.post(owner, "above " + word, null, room);
    stack.post(owner, "below " + word, null, sub);

    assertEquals(List.of("below " + word, "Sub " + word), contents(found(subOnly, word)));
    assertEquals(List.of("below " + word, "above " + word, "Sub " + word, "Room " + word),
        contents(found(owner, word)));
  }

  @Test
  @DisplayName("A member finds a room's cotos, and the moment they are removed they find none of them, not even in the sub-cotonoma they created there; their own cotos stay theirs")
  void removedMemberStopsFinding() throws Exception {
    User owner = user();
    User member = user();
    String word = word();
    String room = stack.cotonoma(owner, "Room", null);
    stack.share(owner, room, member);
    String corner = stack.cotonoma(member, "Corner", room);
    stack.post(owner, "in the room " + word, null, room);
    stack.post(owner, "in their corner " + word, null, corner);
    stack.post(member, "mine " + word, null, corner);
    assertEquals(List.of("mine " + word, "in their corner " + word, "in the room " + word),
        contents(found(member, word)));

    assertEquals(204, stack.call(owner, HttpMethod.DELETE, "/api/cotonomas/" + room + "/members/" + member.email(), null)
        .statusCode());
    assertEquals(List.of("mine " + word), contents(found(member, word)), "at once: only what they wrote themselves");
    assertProblem(call(member, "/api/search?q=" + word + "&cotonomaKey=" + corner), 404, "not-found");
  }

  @Test
  @DisplayName("An edit is found by its new words and not its old ones, and a deleted coto is found no more")
  void editAndDelete() throws Exception {
    User me = user();
    String before = word();
    String after = word();
    String id = stack.post(me, "plan " + before, null, null);
    assertEquals(1, found(me, before).size());

    assertEquals(200, stack.call(me, HttpMethod.PUT, "/api/cotos/" + id, new JsonObject().put("content", "plan " + after))
        .statusCode());
    assertEquals(List.of(), contents(found(me, before)));
    assertEquals(List.of("plan " + after), contents(found(me, after)));

    assertEquals(204, stack.call(me, HttpMethod.DELETE, "/api/cotos/" + id, null).statusCode());
    assertEquals(List.of(), contents(found(me, after)));
  }

  @Test
  @DisplayName("Bad input is a 400 problem: no q, an empty or blank q, q over 200 characters, a bad limit or cursor; 200 characters are fine; an anonymous caller is 401")
  void badInput() throws Exception {
    User me = user();
    assertProblem(call(me, "/api/search"), 400, "validation");
    assertProblem(call(me, "/api/search?q="), 400, "validation");
    assertProblem(call(me, "/api/search?q=" + enc(" \u3000 ")), 400, "validation");
    assertProblem(call(me, "/api/search?q=" + enc("京".repeat(201))), 400, "validation");
    assertEquals(200, call(me, "/api/search?q=" + enc("京".repeat(200))).statusCode());
    assertProblem(call(me, "/api/search?q=a&limit=0"), 400, "validation");
    assertProblem(call(me, "/api/search?q=a&limit=101"), 400, "validation");
    assertProblem(call(me, "/api/search?q=a&before=abc"), 400, "invalid-cursor");
    assertProblem(call(me, "/api/search?q=a&before=0"), 400, "invalid-cursor");
    assertProblem(call(null, "/api/search?q=a"), 401, "unauthorized");
  }

  /** A word no other test writes. */
  private static String word() {
    return "w" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  private static String enc(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  private static JsonArray found(User user, String q) throws Exception {
    return page(user, "q=" + enc(q)).getJsonArray("cotos");
  }

  private static JsonObject page(User user, String query) throws Exception {
    HttpResponse<Buffer> page = call(user, "/api/search?" + query);
    assertEquals(200, page.statusCode(), page.bodyAsString());
    return page.bodyAsJsonObject();
  }

  private static HttpResponse<Buffer> call(User user, String path) throws Exception {
    return stack.call(user, HttpMethod.GET, path, null);
  }
}
