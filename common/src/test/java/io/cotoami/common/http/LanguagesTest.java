package io.cotoami.common.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LanguagesTest {

  @Test
  @DisplayName("Japanese only when Accept-Language ranks it above English; missing, odd or huge headers mean English")
  void japaneseByQuality() {
    assertTrue(Languages.prefersJapanese("ja"));
    assertTrue(Languages.prefersJapanese("ja-JP,en;q=0.8"));
    assertTrue(Languages.prefersJapanese("en;q=0.3, ja;q=0.9"));
    assertFalse(Languages.prefersJapanese("en-US,ja;q=0.5"));
    assertFalse(Languages.prefersJapanese("ja;q=0.5,en;q=0.5"), "a tie is English");
    assertFalse(Languages.prefersJapanese("ja;q=0"), "q=0 means not wanted");
    assertFalse(Languages.prefersJapanese("ja;q=nope"), "an unreadable q counts as 0");
    assertFalse(Languages.prefersJapanese("fr"));
    assertFalse(Languages.prefersJapanese(null));
    assertFalse(Languages.prefersJapanese("ja," + "x".repeat(Languages.MAX_HEADER)), "too long to read");
  }

  @Test
  @DisplayName("Mail to someone is in their own known language, whatever the sender's; unknown, it follows the sender")
  void forRecipient() {
    assertTrue(Languages.forRecipient("ja", "en-US"));
    assertFalse(Languages.forRecipient("en", "ja"));
    assertTrue(Languages.forRecipient(null, "ja"));
    assertFalse(Languages.forRecipient(null, null));
    assertTrue(Languages.forRecipient("fr", "ja"), "a code we do not write falls back to the sender's");
    assertEquals("ja", Languages.codeOf("ja-JP,en;q=0.5"));
    assertEquals("en", Languages.codeOf("fr"));
    assertNull(Languages.codeOf(null));
    assertNull(Languages.codeOf(" "));
  }
}
