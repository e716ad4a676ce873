package io.cotoami.gateway.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What a client is told when its timeline cannot be opened. */
class RefusalTest {

  @Test
  @DisplayName("A malformed reply from coto-service is refused as unavailable, and its parse error never reaches the client")
  void malformedReplyIsUnavailable() {
    IllegalArgumentException malformed = assertThrows(IllegalArgumentException.class,
        () -> LiveSockets.opened(new JsonObject().put("events", new JsonArray().add("not an event"))));
    Refusal refusal = Refusal.of(malformed);
    assertEquals("unavailable", refusal.slug());
    assertEquals(Refusal.UNAVAILABLE, refusal.detail());
    assertFalse(refusal.detail().contains(malformed.getMessage()));
    assertThrows(IllegalArgumentException.class, () -> LiveSockets.opened(null));
  }

  @Test
  @DisplayName("Forbidden and not found read the same, so a refusal never tells that a private room exists")
  void forbiddenReadsAsNotFound() {
    Refusal forbidden = Refusal.of(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 403, "You are not a member of 'secret plans'."));
    Refusal missing = Refusal.of(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 404, "No such cotonoma."));
    assertEquals(missing, forbidden);
    assertEquals("not-found", forbidden.slug());
    assertFalse(forbidden.detail().contains("secret plans"));
  }

  @Test
  @DisplayName("The caller's own mistakes keep coto-service's words; timeouts, missing handlers and server faults say only 'try again'")
  void callerMistakesKeepTheirWords() {
    assertEquals(new Refusal("bad-timeline", "A timeline is 'home' or 'cotonoma:<key>'."),
        Refusal.of(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 400, "A timeline is 'home' or 'cotonoma:<key>'.")));
    assertEquals("unauthorized", Refusal.of(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 401, "Signed out.")).slug());
    for (ReplyException fault : new ReplyException[] {
        new ReplyException(ReplyFailure.TIMEOUT, "Timed out after waiting 2000(ms) for a reply. address: coto.timelines.open"),
        new ReplyException(ReplyFailure.NO_HANDLERS, "No handlers for address coto.timelines.open"),
        new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 500, "NullPointerException at Cotonomas.java:120")}) {
      assertEquals(new Refusal("unavailable", Refusal.UNAVAILABLE), Refusal.of(fault), fault.getMessage());
    }
  }
}
