package io.cotoami.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * The browsers one test opened, as a JUnit extension ({@code @RegisterExtension}): after each test
 * it closes every one, and fails the test when any of their consoles shows a script error or a
 * Content-Security-Policy refusal (as PageServingTest does for the first paint).
 */
final class OpenPages implements AfterEachCallback {
  private final List<CotoamiPage> pages = new ArrayList<>();

  /** Keeps {@code page} to be checked and closed after the test; returns it. */
  CotoamiPage add(CotoamiPage page) {
    pages.add(page);
    return page;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    try {
      List<String> problems = pages.stream().flatMap(page -> page.driver.manage().logs().get(LogType.BROWSER).getAll()
          .stream()).map(LogEntry::getMessage)
          .filter(m -> m.contains("Content Security Policy") || m.contains("Uncaught")).toList();
      assertEquals(List.of(), problems, "the console of the pages");
    } finally {
      pages.forEach(CotoamiPage::close);
      pages.clear();
    }
  }
}
