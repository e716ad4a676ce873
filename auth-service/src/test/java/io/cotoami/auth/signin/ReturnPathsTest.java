package io.cotoami.auth.signin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cotoami.common.http.ProblemException;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ReturnPathsTest {
  private static final String KEY = "AbCdEfGhIjKlMnOpQrStUv";

  @Test
  @DisplayName("Home and a cotonoma's page are kept as they are; no returnTo is none")
  void pagesOfTheSite() {
    assertEquals("/", ReturnPaths.validate("/"));
    assertEquals("/cotonomas/" + KEY, ReturnPaths.validate("/cotonomas/" + KEY));
    assertNull(ReturnPaths.validate(null));
  }

  @Test
  @DisplayName("Every open-redirect form is a 400 validation problem: other hosts, schemes, backslashes, encodings, dot segments, whitespace, queries and fragments")
  void openRedirectsRefused() {
    List<Object> bad = List.of("//evil.example", "///evil.example", "/\\evil.example", "\\\\evil.example",
        "\\/evil.example", "/\t/evil.example", " /cotonomas/" + KEY, "/cotonomas/" + KEY + "\n",
        "http://evil.example", "https:evil.example", "HTTPS://evil.example/cotonomas/" + KEY,
        "javascript:alert(1)", "data:text/html,x", "%2F%2Fevil.example", "/%2F%2Fevil.example",
        "/%5Cevil.example", "/%2e%2e/evil", "/cotonomas/../../evil", "/cotonomas/" + KEY + "/../..//evil.example",
        "/cotonomas/" + KEY + "?next=//evil.example", "/cotonomas/" + KEY + "#//evil.example",
        "/cotonomas/" + KEY + "@evil.example", "/cotonomas/short", "/cotonomas/" + "a".repeat(65),
        "/cotonomas/", "/api/auth/signout", "/signin/" + KEY, "／／evil.example", "evil.example", "",
        42, true, List.of("/"));
    for (Object path : bad) {
      ProblemException refused = assertThrows(ProblemException.class, () -> ReturnPaths.validate(path),
          () -> "refused: " + path);
      assertEquals(400, refused.problem().status(), () -> "400 for " + path);
    }
  }
}
