package io.cotoami.common.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The bodies of {@code auth.events.session-revoked} and {@code auth.revoked-sessions.list}, as both sides read them. */
class RevocationContractTest {
  @Test
  @DisplayName("A session's and a user's revocation survive a trip through JSON, with the field names the other side reads")
  void revocationRoundTrip() {
    Revocation session = Revocation.ofSession("s-1", 1_800_000_000_000L);
    Revocation user = Revocation.ofUser("u-1", 1_700_000_000_000L, 1_800_000_000_000L);
    assertEquals(session, Revocation.fromJson(new JsonObject(session.toJson().encode())));
    assertEquals(user, Revocation.fromJson(new JsonObject(user.toJson().encode())));
    assertEquals(new JsonObject().put("sessionId", "s-1").put("until", 1_800_000_000_000L), session.toJson());
    assertEquals(new JsonObject().put("userId", "u-1").put("before", 1_700_000_000_000L)
        .put("until", 1_800_000_000_000L), user.toJson());
  }

  @Test
  @DisplayName("A page and its query survive a trip through JSON; a body naming neither session nor user, or without until, is refused")
  void pageRoundTrip() {
    RevocationPage page = new RevocationPage(List.of(Revocation.ofSession("s-1", 5),
        Revocation.ofUser("u-1", 3, 9)), "1700000000000-3", true);
    assertEquals(page, RevocationPage.fromJson(new JsonObject(page.toJson().encode())));
    assertEquals(RevocationPage.none(null), RevocationPage.fromJson(RevocationPage.none(null).toJson()));
    RevocationPage.Query query = new RevocationPage.Query("1700000000000-3");
    assertEquals(query, RevocationPage.Query.fromJson(new JsonObject(query.toJson().encode())));
    assertEquals(new RevocationPage.Query(null), RevocationPage.Query.fromJson(new JsonObject()));
    assertThrows(IllegalArgumentException.class, () -> Revocation.fromJson(new JsonObject().put("until", 5)));
    assertThrows(IllegalArgumentException.class, () -> Revocation.fromJson(new JsonObject().put("sessionId", "s")));
    assertThrows(IllegalArgumentException.class, () -> Revocation.fromJson(new JsonObject().put("userId", "u").put("until", 5)));
    assertThrows(IllegalArgumentException.class, () -> RevocationPage.fromJson(new JsonObject()));
  }

  @Test
  @DisplayName("A user's revocation covers that user's sessions started at or before it, and nobody else's")
  void covers() {
    Revocation user = Revocation.ofUser("u-1", 1000, 9000);
    assertTrue(user.covers(session("u-1", "a", 999)));
    assertTrue(user.covers(session("u-1", "b", 1000)));
    assertFalse(user.covers(session("u-1", "c", 1001)));
    assertFalse(user.covers(session("u-2", "d", 10)));
    assertTrue(Revocation.ofSession("a", 9000).covers(session("u-9", "a", 5000)));
    assertFalse(Revocation.ofSession("a", 9000).covers(session("u-1", "b", 5)));
  }

  private static Session session(String userId, String sessionId, long startedAt) {
    return new Session(userId, null, null, sessionId, Instant.ofEpochMilli(10_000), Instant.ofEpochMilli(startedAt));
  }
}
