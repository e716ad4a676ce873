package io.cotoami.common.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The bodies of {@code coto.user-renames.announce} and {@code auth.user-languages.get}, as one
 * service writes them and the other reads them.
 */
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

  @Test
  @DisplayName("A language query and its answer survive a trip through JSON; an unknown language is null, anything but ja/en is refused")
  void languageRoundTrip() {
    UserLanguage.Query query = new UserLanguage.Query("ann@example.com");
    assertEquals(query, UserLanguage.Query.fromJson(new JsonObject(query.toJson().encode())));
    for (String code : new String[] {"ja", "en", null}) {
      UserLanguage answer = new UserLanguage(code);
      assertEquals(answer, UserLanguage.fromJson(new JsonObject(answer.toJson().encode())));
    }
    assertEquals(new JsonObject().put("language", "ja"), new UserLanguage("ja").toJson());
    assertThrows(IllegalArgumentException.class, () -> UserLanguage.fromJson(new JsonObject().put("language", "fr")));
    assertThrows(IllegalArgumentException.class, () -> UserLanguage.Query.fromJson(new JsonObject()));
  }
}
