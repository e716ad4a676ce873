package io.cotoami.common.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RedactionTest {
  private static final String TOKEN = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcde";

  @Test
  @DisplayName("The sign-in token in a path is redacted, also percent-encoded, in another case, or followed by more segments")
  void signinTokens() {
    assertEquals("/signin/(redacted)", Redaction.uri("/signin/" + TOKEN));
    assertEquals("/signin/(redacted)/more", Redaction.uri("/signin/" + TOKEN + "/more"));
    assertEquals("/SignIn/(redacted)", Redaction.uri("/SignIn/" + TOKEN));
    assertFalse(Redaction.uri("/%73ignin/" + TOKEN).contains(TOKEN));
    assertFalse(Redaction.uri("//signin/" + TOKEN).contains(TOKEN));
    assertFalse(Redaction.uri("/signin/" + TOKEN + "%zz").contains(TOKEN), "undecodable: cut after the first segment");
  }

  @Test
  @DisplayName("Secret query parameters are redacted, others kept, and nothing else of a path changes")
  void queries() {
    assertEquals("/api/cotos?limit=20&token=(redacted)", Redaction.uri("/api/cotos?limit=20&token=" + TOKEN));
    assertEquals("/x?Access_Token=(redacted)&code=(redacted)", Redaction.uri("/x?Access_Token=a&code=b"));
    assertEquals("/api/cotonomas/abc/cotos", Redaction.uri("/api/cotonomas/abc/cotos"));
    assertEquals("/", Redaction.uri(null));
    assertEquals(201, Redaction.uri("/" + "a".repeat(500)).length());
  }
}
