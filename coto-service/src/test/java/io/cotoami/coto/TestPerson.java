package io.cotoami.coto;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.UUID;

/**
 * A signed-in person calling coto-service's API through a {@link CotoServiceHarness}, with a
 * session token of their own: the one home of the calls that coto-service's tests make as someone.
 */
public record TestPerson(CotoServiceHarness harness, String id, String email, String token) {

  /** A new person, {@code name} with a fresh id and an email of their own. */
  public static TestPerson named(CotoServiceHarness harness, String name) {
    String id = UUID.randomUUID().toString();
    String email = name + "-" + id.substring(0, 8) + "@example.com";
    return new TestPerson(harness, id, email, harness.keys().token(harness.clientVertx(), id, email, name));
  }

  /** The answer to one call with this person's bearer token; {@code body} is sent as JSON unless null. */
  public HttpResponse<Buffer> call(HttpMethod method, String path, JsonObject body) throws Exception {
    var request = harness.client().request(method, path).putHeader("Authorization", "Bearer " + token);
    if (body == null) {
      return harness.calls().await(request::send);
    }
    return harness.calls().await(() -> request.putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer(body.encode())));
  }

  /** A call that must succeed (2xx); its JSON body, or null when it has none. */
  public JsonObject ok(HttpMethod method, String path, JsonObject body) throws Exception {
    HttpResponse<Buffer> answer = call(method, path, body);
    assertTrue(answer.statusCode() / 100 == 2, path + ": " + answer.statusCode() + " " + answer.bodyAsString());
    return answer.body() == null || answer.body().length() == 0 ? null : answer.bodyAsJsonObject();
  }

  /** Posts a coto (to the home when {@code cotonomaKey} is null); its id. */
  public String coto(String content, String cotonomaKey) throws Exception {
    return coto(content, cotonomaKey, null);
  }

  public String coto(String content, String cotonomaKey, String summary) throws Exception {
    return ok(HttpMethod.POST, "/api/cotos", new JsonObject().put("content", content).put("cotonomaKey", cotonomaKey)
        .put("summary", summary)).getString("id");
  }

  /** Creates a cotonoma (at the top when {@code parentKey} is null); its key. */
  public String cotonoma(String name) throws Exception {
    return cotonoma(name, null);
  }

  public String cotonoma(String name, String parentKey) throws Exception {
    return ok(HttpMethod.POST, "/api/cotonomas", new JsonObject().put("name", name).put("parentKey", parentKey))
        .getString("key");
  }

  public void addMember(String cotonomaKey, String memberEmail) throws Exception {
    ok(HttpMethod.POST, "/api/cotonomas/" + cotonomaKey + "/members", new JsonObject().put("email", memberEmail));
  }

  /** Pins a coto to a cotonoma's stock (the home's when {@code cotonomaKey} is null); the answer, whatever it is. */
  public HttpResponse<Buffer> pin(String cotoId, String cotonomaKey) throws Exception {
    return call(HttpMethod.POST, "/api/graph/pins", new JsonObject().put("cotoId", cotoId).put("cotonomaKey", cotonomaKey));
  }

  /** Connects two cotos; the answer, whatever it is. */
  public HttpResponse<Buffer> connect(String sourceId, String targetId, String phrase, String clientId) throws Exception {
    return call(HttpMethod.POST, "/api/graph/connections", new JsonObject().put("sourceId", sourceId)
        .put("targetId", targetId).put("linkingPhrase", phrase).put("clientId", clientId));
  }
}
