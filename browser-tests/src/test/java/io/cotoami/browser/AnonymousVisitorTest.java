package io.cotoami.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.support.ui.ExpectedConditions;

/** Points 1 and 2 of the issue: the home page for someone who has not signed in, and posting. */
@ExtendWith(StackExtension.class)
class AnonymousVisitorTest {
  private BrowserStack stack;
  private CotoamiPage page;

  @BeforeEach
  void openBrowser(BrowserStack stack) {
    this.stack = stack;
    page = new CotoamiPage(stack);
  }

  @AfterEach
  void closeBrowser() {
    page.close();
  }

  @Test
  @DisplayName("Opening / shows the home timeline and the post box at once, and says anonymous cotos stay in this browser")
  void homeForAnAnonymousVisitor() {
    page.open("/");
    assertTrue(page.byId("post-content").isDisplayed());
    assertEquals("Home", page.byId("room-title").getText());
    WebElement note = page.visible(By.id("anonymous-note"));
    assertTrue(note.getText().contains("stay in this browser only"), note.getText());
    assertTrue(page.byId("signin-button").isDisplayed());
  }

  @Test
  @DisplayName("A coto posted with the button, and one with Ctrl+Enter, appear on the timeline, newest first, and stay after a reload")
  void postWithButtonAndKeyboard() {
    page.open("/");
    page.post("first *thought*");
    page.coto("first thought");
    WebElement box = page.byId("post-content");
    box.sendKeys("second thought");
    page.pressCtrlEnter(box);
    page.coto("second thought");
    assertEquals("", box.getAttribute("value"));
    page.open("/");
    page.coto("first thought");
    var texts = page.cotoTexts();
    assertTrue(texts.get(0).contains("second thought") && texts.get(1).contains("first thought"), texts.toString());
    assertEquals("thought", page.driver.findElement(By.cssSelector("#timeline .coto-body em")).getText());
  }

  @Test
  @DisplayName("A post that cannot be sent shows a clear message and keeps the text; sent again, it appears once")
  void failedPostKeepsTheText() {
    page.open("/");
    page.online(false);
    page.post("kept while offline");
    WebElement error = page.visible(By.id("post-error"));
    assertTrue(error.getText().contains("Could not reach Cotoami"), error.getText());
    assertEquals("kept while offline", page.byId("post-content").getAttribute("value"));
    assertEquals(0, page.countCotos("kept while offline"));
    page.online(true);
    page.byId("post-button").click();
    page.coto("kept while offline");
    assertEquals(1, page.countCotos("kept while offline"));
  }

  @Test
  @DisplayName("Two tabs of one anonymous browser: a coto posted in one appears live in the other, and what was posted while the other was offline appears when it is back")
  void twoTabsOfOneVisitor() {
    page.open("/");
    page.post("seen from both tabs");
    page.coto("seen from both tabs");
    String first = page.driver.getWindowHandle();
    page.driver.switchTo().newWindow(WindowType.TAB);
    page.open("/");
    String second = page.driver.getWindowHandle();

    page.driver.switchTo().window(first);
    page.post("live to the other tab");
    page.driver.switchTo().window(second);
    page.coto("live to the other tab");

    page.online(false); // this tab only
    page.until(ExpectedConditions.textToBe(By.id("connection"), "Reconnecting…"));
    page.driver.switchTo().window(first);
    page.post("posted while the other tab was offline");
    page.coto("posted while the other tab was offline");
    page.driver.switchTo().window(second);
    page.online(true);
    page.coto("posted while the other tab was offline");
    page.until(ExpectedConditions.invisibilityOfElementLocated(By.id("connection")));
    assertEquals(1, page.countCotos("live to the other tab"));
  }

  @Test
  @DisplayName("HTML in a coto is shown as text and never runs; links open in a new tab with rel=noopener")
  void markdownIsRenderedSafely() {
    page.open("/");
    page.script("window.xss = 0");
    String attack = "<img src=x onerror=\"window.xss=1\"> <script>window.xss=2</script> [bad](javascript:window.xss=3)";
    page.post(attack + "\n\nsee https://example.com/a?b=1");
    WebElement body = page.coto(attack + "\nsee https://example.com/a?b=1");
    assertTrue(body.findElements(By.tagName("img")).isEmpty());
    assertTrue(body.findElements(By.tagName("script")).isEmpty());
    var links = body.findElements(By.tagName("a"));
    assertEquals(1, links.size(), "only the https link is a link");
    assertEquals("https://example.com/a?b=1", links.get(0).getAttribute("href"));
    assertEquals("_blank", links.get(0).getAttribute("target"));
    assertTrue(links.get(0).getAttribute("rel").contains("noopener"));
    assertEquals(0L, page.script("return window.xss"));
  }
}
