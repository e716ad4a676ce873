package io.cotoami.common.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.URI;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SameOriginDevAliasesTest {
  @Test
  @DisplayName("In dev mode a loopback PUBLIC_URL's aliases are the same site, with its scheme and port, and nothing else")
  void devAliases() {
    URI local = URI.create("http://localhost:8080");
    SameOrigin dev = SameOrigin.of(local, SameOrigin.withDevAliases(local, null, true));
    assertEquals(Set.of("http://localhost:8080", "http://127.0.0.1:8080", "http://[::1]:8080"), dev.allowed());
    assertEquals(Set.of("http://127.0.0.1:9000", "http://localhost:9000", "http://[::1]:9000", "https://m.example"),
        SameOrigin.of(URI.create("http://127.0.0.1:9000"), SameOrigin.withDevAliases(
            URI.create("http://127.0.0.1:9000"), "https://m.example", true)).allowed());
  }

  @Test
  @DisplayName("Outside dev mode, or with a PUBLIC_URL that is not loopback, no alias is added")
  void noAliases() {
    URI local = URI.create("http://localhost:8080");
    assertNull(SameOrigin.withDevAliases(local, null, false));
    assertEquals("https://m.example", SameOrigin.withDevAliases(URI.create("https://cotoami.example"),
        "https://m.example", true));
    assertEquals(Set.of("http://localhost:8080"), SameOrigin.of(local, SameOrigin.withDevAliases(local, null, false))
        .allowed());
  }
}
