package io.cotoami.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/** Point 8 of the issue: how the page is served, and how fast it paints. */
@ExtendWith(StackExtension.class)
class PageServingTest {
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<byte[]> get(BrowserStack stack, String path, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.url(path))).header("Accept-Encoding", "gzip");
    if (headers.length > 0) {
      request.headers(headers);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  @DisplayName("The page is gzip-compressed, revalidated by ETag and under a strict Content-Security-Policy, at / and at a cotonoma's address")
  void pageHeaders(BrowserStack stack) throws Exception {
    for (String path : List.of("/", "/cotonomas/NJx7nSGY9SixpsjvzE2x0Q")) {
      HttpResponse<byte[]> page = get(stack, path);
      assertEquals(200, page.statusCode(), path);
      assertEquals("gzip", page.headers().firstValue("Content-Encoding").orElse(""), path);
      assertEquals("no-cache", page.headers().firstValue("Cache-Control").orElse(""));
      String csp = page.headers().firstValue("Content-Security-Policy").orElse("");
      assertTrue(csp.contains("script-src 'self'") && csp.contains("default-src 'none'"), csp);
      assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElse(""));
      String etag = page.headers().firstValue("ETag").orElseThrow();
      assertEquals(304, get(stack, path, "If-None-Match", etag).statusCode());
    }
  }

  @Test
  @DisplayName("Scripts and styles are gzip-compressed and revalidated by Last-Modified; the API, sign-in page and OpenAPI routes are unchanged")
  void assetsAndOtherRoutes(BrowserStack stack) throws Exception {
    for (String path : List.of("/app/main.js", "/app/style.css", "/app/markdown.js")) {
      HttpResponse<byte[]> asset = get(stack, path);
      assertEquals(200, asset.statusCode(), path);
      assertEquals("gzip", asset.headers().firstValue("Content-Encoding").orElse(""), path);
      assertEquals("no-cache", asset.headers().firstValue("Cache-Control").orElse(""), path);
      String modified = asset.headers().firstValue("Last-Modified").orElseThrow();
      assertEquals(304, get(stack, path, "If-Modified-Since", modified).statusCode(), path);
    }
    HttpResponse<byte[]> api = get(stack, "/api/nothing");
    assertEquals(404, api.statusCode());
    assertTrue(api.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
    assertEquals(200, get(stack, "/openapi.yaml").statusCode());
    assertEquals(404, get(stack, "/health/ready").statusCode(), "health is on the management port only");
    assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(stack.managementUrl("/health/ready"))).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode());
    assertEquals(404, get(stack, "/no-such-page").statusCode());
    assertEquals(404, get(stack, "/signin/short").statusCode(), "auth-service still answers /signin/*");
  }

  @Test
  @DisplayName("The home timeline paints well under a second on localhost, with nothing loaded from another site, no script error and nothing refused by the Content-Security-Policy")
  void firstPaintIsFast(BrowserStack stack) {
    try (CotoamiPage page = new CotoamiPage(stack)) {
      page.open("/");
      page.open("/");
      Number paint = (Number) page.script(
          "const p = performance.getEntriesByName('first-contentful-paint')[0]; return p ? p.startTime : 99999");
      assertTrue(paint.doubleValue() < 1000, "first contentful paint at " + paint + " ms");
      Object foreign = page.script("return performance.getEntriesByType('resource')"
          + ".filter(r => !r.name.startsWith(location.origin)).map(r => r.name)");
      assertEquals(List.of(), foreign);
      List<String> problems = page.driver.manage().logs().get(LogType.BROWSER).getAll().stream()
          .map(LogEntry::getMessage).filter(m -> m.contains("Content Security Policy") || m.contains("Uncaught")).toList();
      assertEquals(List.of(), problems, "no script error and nothing refused by the policy");
    }
  }
}
