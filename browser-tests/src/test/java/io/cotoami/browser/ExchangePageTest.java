package io.cotoami.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.support.ui.ExpectedConditions;

/** Issue 20, item 6 on the page: the account's Export / import dialog, a file imported with its progress bar. */
@ExtendWith(StackExtension.class)
@Timeout(240)
class ExchangePageTest {
  private final List<CotoamiPage> pages = new ArrayList<>();

  @AfterEach
  void closeBrowsers() {
    pages.forEach(CotoamiPage::close);
    pages.clear();
  }

  @Test
  @DisplayName("An exported file is imported from the account's dialog, reached by keyboard: the progress bar fills, the imported room and cotos show, and the download link gives them back")
  void importFromTheDialog(BrowserStack stack) throws Exception {
    CotoamiPage page = new CotoamiPage(stack);
    pages.add(page);
    page.open("/");
    page.signIn(People.email("ivy"), false);
    JsonArray cotos = new JsonArray().add(new JsonObject().put("id", "r").put("content", "Imported room")
        .put("asCotonoma", "k1"));
    for (int i = 0; i < 1200; i++) {
      cotos.add(new JsonObject().put("id", "c" + i).put("content", "imported coto " + i)
          .put("cotonomaKey", i % 2 == 0 ? "k1" : null));
    }
    JsonObject document = new JsonObject().put("format", "cotoami-export").put("version", 1)
        .put("cotonomas", new JsonArray().add(new JsonObject().put("key", "k1").put("name", "Imported room")))
        .put("cotos", cotos);
    Path good = Files.createTempFile("cotoami-import", ".json");
    Path bad = Files.createTempFile("cotoami-bad", ".json");
    try {
      Files.writeString(good, document.encode(), StandardCharsets.UTF_8);
      JsonObject broken = document.copy();
      broken.getJsonArray("cotos").getJsonObject(3).put("content", "x".repeat(2501));
      Files.writeString(bad, broken.encode(), StandardCharsets.UTF_8);

      page.byId("exchange-button").sendKeys(Keys.ENTER);
      page.visible(By.id("import-file")).sendKeys(bad.toString());
      page.byId("import-start").sendKeys(Keys.ENTER);
      page.until(ExpectedConditions.visibilityOfElementLocated(By.id("import-error")));
      String refused = page.byId("import-error").getText();
      assertTrue(refused.contains("/cotos/3") && refused.contains("2500"), refused);

      page.byId("import-file").sendKeys(good.toString());
      page.byId("import-start").sendKeys(Keys.ENTER);
      page.until(ExpectedConditions.textMatches(By.id("import-status"), java.util.regex.Pattern.compile("Imported 1 cotonomas")));
      assertTrue(page.byId("import-status").getText().contains("1201 cotos"), page.byId("import-status").getText());
      assertEquals("1202", page.byId("import-progress").getAttribute("value"), "the bar is full: a cotonoma and 1,201 cotos");
      assertEquals("1202", page.byId("import-progress").getAttribute("max"));
      assertTrue(!page.byId("import-error").isDisplayed(), "the earlier refusal is gone");

      // The exported file, as the download link gets it (with the page's session cookie).
      Object exported = page.asyncScript("const done = arguments[arguments.length - 1];"
          + "fetch(document.getElementById('export-download').href).then(r => r.json())"
          + ".then(d => done(d.cotos.length + ' ' + d.cotonomas[0].name)).catch(e => done(String(e)));");
      assertEquals("1201 Imported room", exported);

      page.byId("exchange-dialog").findElement(By.cssSelector("[data-close]")).click();
      try {
        page.coto("imported coto 1199");
      } catch (org.openqa.selenium.TimeoutException e) {
        throw new AssertionError("home shows " + page.cotoTexts(), e);
      }
      page.until(d -> d.findElements(By.cssSelector("#rooms a")).stream()
          .anyMatch(a -> a.getAttribute("textContent").contains("Imported room")) ? true : null);
    } finally {
      Files.deleteIfExists(good);
      Files.deleteIfExists(bad);
    }
  }
}
