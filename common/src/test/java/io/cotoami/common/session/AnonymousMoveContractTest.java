package io.cotoami.common.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The body of {@code coto.anonymous-cotos.move} and its reply, as auth-service writes them and coto-service reads them. */
class AnonymousMoveContractTest {
  private static final AnonymousId VISITOR = AnonymousId.generate();

  @Test
  @DisplayName("A move and its reply survive a trip through JSON, with the field names the other side reads")
  void roundTrip() {
    UUID user = UUID.randomUUID();
    AnonymousMove move = new AnonymousMove(VISITOR, user);
    assertEquals(move, AnonymousMove.fromJson(new JsonObject(move.toJson().encode())));
    assertEquals(new JsonObject().put("anonymousId", VISITOR.value()).put("userId", user.toString()), move.toJson());
    assertEquals(new AnonymousMove.Moved(3), AnonymousMove.Moved.fromJson(new JsonObject(
        new AnonymousMove.Moved(3).toJson().encode())));
  }

  @Test
  @DisplayName("A move without a well-formed user id or anonymous id, and a reply without a count, are refused")
  void malformedRefused() {
    assertThrows(IllegalArgumentException.class, () -> AnonymousMove.fromJson(null));
    assertThrows(IllegalArgumentException.class, () -> AnonymousMove.fromJson(new JsonObject()
        .put("anonymousId", VISITOR.value()).put("userId", "not-a-uuid")));
    assertThrows(IllegalArgumentException.class, () -> AnonymousMove.fromJson(new JsonObject()
        .put("anonymousId", "../../etc").put("userId", UUID.randomUUID().toString())));
    assertThrows(IllegalArgumentException.class, () -> AnonymousMove.Moved.fromJson(new JsonObject()));
    assertThrows(IllegalArgumentException.class, () -> AnonymousMove.Moved.fromJson(new JsonObject().put("moved", -1)));
  }
}
