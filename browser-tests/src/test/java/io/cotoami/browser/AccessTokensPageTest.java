package io.cotoami.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;

/** Issue 19: personal access tokens made, listed and revoked from the page, on a phone, by keyboard. */
@ExtendWith(StackExtension.class)
class AccessTokensPageTest {
  private static final By ROW = By.cssSelector("#tokens-list li[data-name='backup script']");
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
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
  @DisplayName("On a phone, by keyboard: a read token made in the page is shown once, reads but cannot write; the list shows it; revoked in the page it is refused; a reload never shows it again")
  void readTokenFromThePage() throws Exception {
    page.open("/");
    page.signIn(People.email("tia"), false);
    page.resize(Chromium.PHONE);

    assertEquals(390L, page.script("return document.documentElement.scrollWidth"), "the account bar fits the phone");
    focusByTab("tokens-button");
    new Actions(page.driver).sendKeys(Keys.ENTER).perform();
    page.visible(By.id("tokens-dialog"));
    assertEquals("token-name", page.script("return document.activeElement.id"), "the name box has the focus");

    // A problem from the API (400 validation: an expiry in the past) is shown in the dialog.
    new Actions(page.driver).sendKeys("backup script").perform();
    page.script("document.getElementById('token-expires').value = '2020-01-01'");
    page.click(By.id("token-create"));
    WebElement error = page.visible(By.id("tokens-error"));
    assertTrue(error.getText().contains("future"), error.getText());

    page.script("document.getElementById('token-expires').value = ''");
    page.byId("token-scope-read").click();
    page.click(By.id("token-create"));
    String token = page.visible(By.id("token-value")).getAttribute("value");
    assertTrue(token != null && token.length() > 40, "a token is shown: " + token);
    assertTrue(page.byId("token-once").getText().contains("will not see it again"));
    assertTrue(page.byId("token-copy").isDisplayed(), "a copy button");
    assertFalse(page.byId("tokens-error").isDisplayed(), "the earlier problem is gone");
    long width = (Long) page.script("return document.getElementById('tokens-dialog').getBoundingClientRect().right");
    assertTrue(width <= 390, "the dialog fits the phone: " + width);

    assertEquals(200, get(token), "a read token reads");
    HttpResponse<String> write = http.send(HttpRequest.newBuilder(URI.create(stack.url("/api/cotos")))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"content\":\"from a script\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(403, write.statusCode(), write.body());
    assertTrue(write.body().contains("insufficient-scope"), write.body());

    WebElement row = page.visible(ROW);
    assertTrue(row.getText().contains("Read only"), row.getText());
    assertTrue(row.getText().contains("Never expires"), row.getText());

    page.driver.navigate().refresh();
    page.settled();
    page.click(By.id("tokens-button"));
    page.visible(ROW);
    assertFalse(page.driver.getPageSource().contains(token), "after a reload the token is not in the page");
    assertTrue(page.driver.findElements(By.id("token-value")).stream().noneMatch(WebElement::isDisplayed));

    page.visible(ROW).findElement(By.cssSelector("button.revoke")).click();
    page.until(ExpectedConditions.alertIsPresent()).accept();
    page.until(ExpectedConditions.invisibilityOfElementLocated(ROW));
    page.until(d -> {
      try {
        return get(token) == 401;
      } catch (Exception e) {
        return false;
      }
    });

    page.driver.navigate().refresh();
    page.settled();
    page.click(By.id("tokens-button"));
    page.visible(By.id("tokens-empty"));
    assertTrue(page.driver.findElements(ROW).isEmpty(), "a revoked token is not listed");
    assertFalse(page.driver.getPageSource().contains(token));
  }

  @Test
  @DisplayName("In Japanese, the dialog, its scopes and its once-only note are in Japanese")
  void japaneseDialog(BrowserStack stack) {
    try (CotoamiPage ja = new CotoamiPage(stack, "ja-JP", Chromium.DESKTOP)) {
      ja.open("/");
      ja.signIn(People.email("yui"), false);
      ja.click(By.id("tokens-button"));
      assertEquals("アクセストークン", ja.visible(By.id("tokens-title")).getText());
      assertEquals("読み取りのみ", ja.driver.findElement(By.cssSelector(".token-scope label")).getText());
      ja.visible(By.id("tokens-empty"));
      ja.visible(By.id("token-name")).sendKeys("同期");
      ja.click(By.id("token-create"));
      ja.visible(By.id("token-value"));
      assertEquals("今すぐコピーしてください。二度と表示されません。", ja.byId("token-once").getText());
      ja.until(d -> d.findElement(By.id("tokens-list")).getText().contains("無期限"));
    }
  }

  private int get(String token) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(stack.url("/api/cotos")))
        .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private void focusByTab(String id) {
    for (int i = 0; i < 30; i++) {
      new Actions(page.driver).sendKeys(Keys.TAB).perform();
      if (id.equals(page.script("return document.activeElement.id"))) {
        return;
      }
    }
    throw new AssertionError("Tab never reached #" + id);
  }
}
