package io.cotoami.common.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cotoami.common.bus.TimelineNames;
import io.vertx.core.http.Cookie;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class AnonymousIdTest {

  @Test
  @DisplayName("A generated id is 22 URL-safe base64 characters, parses back to itself, and two are never equal")
  void generatedIdsParse() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      AnonymousId id = AnonymousId.generate();
      assertTrue(id.value().matches("[A-Za-z0-9_-]{22}"), id.value());
      assertEquals(id, AnonymousId.parse(id.value()).orElseThrow());
      assertTrue(seen.add(id.value()));
    }
  }

  @Test
  @DisplayName("Anything we could not have issued is no id: empty, short, long, padded, other alphabets, injected")
  void malformedIsNoId() {
    for (String raw : new String[] {null, "", "abc", "A".repeat(21), "A".repeat(23), "A".repeat(20) + "==",
        "A".repeat(21) + "/", "A".repeat(21) + "+", "A".repeat(21) + " ", " " + "A".repeat(21),
        "A".repeat(21) + "\n", "anon:{x}:seq*AAAAAAAAAA", "ÄAAAAAAAAAAAAAAAAAAAAA"}) {
      assertFalse(AnonymousId.parse(raw).isPresent(), String.valueOf(raw));
    }
    assertThrows(IllegalArgumentException.class, () -> new AnonymousId("not-an-id"));
  }

  @Test
  @DisplayName("Its timeline is the hashed name on the bus, and neither it nor toString carries the id")
  void timelineIsHashed() {
    AnonymousId id = AnonymousId.parse("abcdefghijklmnopqrstuv").orElseThrow();
    assertEquals(TimelineNames.anonymous(id.value()), id.timeline());
    assertTrue(id.timeline().matches("anonymous:[0-9a-f]{32}"), id.timeline());
    assertFalse(id.timeline().contains(id.value()));
    assertFalse(id.toString().contains(id.value()));
    assertNotEquals(id.timeline(), AnonymousId.parse("abcdefghijklmnopqrstuw").orElseThrow().timeline());
  }

  @Test
  @DisplayName("The cookie is anonymous_id, HttpOnly, SameSite=Lax, path /, lives as long as asked, Secure when asked")
  void cookie() {
    AnonymousId id = AnonymousId.generate();
    Cookie cookie = id.cookie(Duration.ofDays(30), true);
    String header = cookie.encode();
    assertEquals(AnonymousId.COOKIE, cookie.getName());
    assertEquals(id.value(), cookie.getValue());
    assertTrue(header.toLowerCase(java.util.Locale.ROOT).contains("; httponly"), header);
    assertTrue(header.contains("SameSite=Lax"), header);
    assertTrue(header.contains("Path=/"), header);
    assertTrue(header.contains("Max-Age=" + Duration.ofDays(30).toSeconds()), header);
    assertTrue(header.contains("; Secure"), header);
    assertFalse(id.cookie(Duration.ofDays(1), false).encode().contains("; Secure"));
  }
}
