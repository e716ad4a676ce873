package io.cotoami.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.interactions.Actions;

/** Point 7 of the issue: infinite scroll, phone-sized screens, the keyboard alone, Japanese. */
@ExtendWith(StackExtension.class)
class EveryScreenTest {

  @Test
  @DisplayName("Scrolling down loads older cotos, page after page, until the very first one")
  void infiniteScroll(BrowserStack stack) {
    try (CotoamiPage page = new CotoamiPage(stack)) {
      page.open("/");
      // 45 cotos, posted from the page itself (as its own script would), oldest first.
      page.asyncScript("const done = arguments[arguments.length - 1];"
          + "(async () => { for (let i = 1; i <= 45; i++) {"
          + "  await fetch('/api/cotos', {method: 'POST', headers: {'Content-Type': 'application/json'},"
          + "    body: JSON.stringify({content: 'old ' + i})}); } })().then(done);");
      page.open("/");
      assertEquals(20, page.cotoTexts().size(), "one page at first");
      assertTrue(page.cotoTexts().get(0).contains("old 45"), page.cotoTexts().get(0));
      page.until(d -> {
        page.script("window.scrollTo(0, document.body.scrollHeight)");
        return page.cotoTexts().size() >= 45 ? true : null;
      });
      assertEquals(45, page.cotoTexts().size());
      assertTrue(page.cotoTexts().get(44).contains("old 1"));
      page.until(d -> !page.byId("older").isDisplayed());
    }
  }

  @Test
  @DisplayName("With Japanese preferred, on a phone-sized screen, the page is in Japanese, fits the width, and posting and signing in work by keyboard alone")
  void japanesePhoneKeyboard(BrowserStack stack) {
    try (CotoamiPage page = new CotoamiPage(stack, "ja", Chromium.PHONE)) {
      page.open("/");
      assertEquals("ホーム", page.byId("room-title").getText());
      assertEquals("投稿", page.byId("post-button").getText());
      assertEquals("ja", page.script("return document.documentElement.lang"));
      assertEquals(Boolean.TRUE, page.script("return document.documentElement.scrollWidth <= window.innerWidth"));

      focusByTab(page.driver, "post-content");
      new Actions(page.driver).sendKeys("キーボードだけで").keyDown(Keys.CONTROL).sendKeys(Keys.ENTER)
          .keyUp(Keys.CONTROL).perform();
      page.coto("キーボードだけで");
      assertEquals(Boolean.TRUE, page.script("return document.documentElement.scrollWidth <= window.innerWidth"));

      focusByTab(page.driver, "signin-button");
      new Actions(page.driver).sendKeys(Keys.ENTER).perform();
      page.visible(By.id("signin-email"));
      assertEquals("signin-email", page.script("return document.activeElement.id"));
      assertTrue(page.byId("signin-dialog").getText().contains("匿名のコトをアカウントに保存する"));
      new Actions(page.driver).sendKeys(Keys.ESCAPE).perform();
      page.until(d -> !page.byId("signin-dialog").isDisplayed());
      assertFalse(page.byId("signin-dialog").isDisplayed());
    }
  }

  /** Presses Tab until the element with this id has the focus, as a keyboard user would. */
  private static void focusByTab(WebDriver driver, String id) {
    for (int i = 0; i < 30; i++) {
      new Actions(driver).sendKeys(Keys.TAB).perform();
      Object focused = ((org.openqa.selenium.JavascriptExecutor) driver).executeScript("return document.activeElement.id");
      if (id.equals(focused)) {
        return;
      }
    }
    throw new AssertionError("Tab never reached #" + id);
  }
}
