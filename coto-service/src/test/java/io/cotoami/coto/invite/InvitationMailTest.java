package io.cotoami.coto.invite;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class InvitationMailTest {
  @Test
  @DisplayName("Names people typed cannot break the subject line or become HTML")
  void namesAreInert() {
    InvitationMail mail = InvitationMail.render("max@example.com", "Room\r\nBcc: x@evil.example",
        "<script>alert(1)</script>", "http://localhost:8080/cotonomas/AAAAAAAAAAAAAAAAAAAAAA", false);
    assertFalse(mail.subject().contains("\r") || mail.subject().contains("\n"), mail.subject());
    assertFalse(mail.html().contains("<script>"), mail.html());
    assertTrue(mail.html().contains("&lt;script&gt;"), mail.html());
    assertTrue(mail.text().contains("http://localhost:8080/cotonomas/AAAAAAAAAAAAAAAAAAAAAA"));
  }

  @Test
  @DisplayName("Japanese when the sharer's browser prefers it, English otherwise; an unnamed sharer is 'Someone'")
  void language() {
    assertTrue(io.cotoami.common.http.Languages.prefersJapanese("ja,en;q=0.8"));
    assertFalse(io.cotoami.common.http.Languages.prefersJapanese("en-US,ja;q=0.5"));
    assertFalse(io.cotoami.common.http.Languages.prefersJapanese(null));
    assertTrue(InvitationMail.render("a@example.com", "部屋", "olga", "http://x/cotonomas/k", true).text()
        .contains("olga さんが"));
    assertTrue(InvitationMail.render("a@example.com", "Room", null, "http://x/cotonomas/k", false).subject()
        .startsWith("Someone shared"));
  }
}
