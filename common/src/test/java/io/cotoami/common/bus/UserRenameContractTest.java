package io.cotoami.common.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The body of {@code coto.user-renames.announce}, as auth-service writes it and coto-service reads it. */
class UserRenameContractTest {
  @Test
  @DisplayName("A rename survives a trip through JSON, with the field names the other side reads")
  void roundTrip() {
    UserRename rename = new UserRename("u-1", "ann@example.com", "Ann");
    assertEquals(rename, UserRename.fromJson(new JsonObject(rename.toJson().encode())));
    assertEquals(new JsonObject().put("userId", "u-1").put("email", "ann@example.com").put("name", "Ann"),
        rename.toJson());
  }

  @Test
  @DisplayName("A body without a user id, an email or a name, or no body at all, is refused")
  void incompleteRefused() {
    assertThrows(IllegalArgumentException.class, () -> UserRename.fromJson(null));
    assertThrows(IllegalArgumentException.class, () -> UserRename.fromJson(new JsonObject()
        .put("email", "a@example.com").put("name", "A")));
    assertThrows(IllegalArgumentException.class, () -> UserRename.fromJson(new JsonObject()
        .put("userId", "u").put("name", "A")));
    assertThrows(IllegalArgumentException.class, () -> UserRename.fromJson(new JsonObject()
        .put("userId", "u").put("email", "a@example.com").put("name", " ")));
  }
}
