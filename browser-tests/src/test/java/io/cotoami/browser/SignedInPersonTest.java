package io.cotoami.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/** Points 3, 4 and 6 of the issue: sign-in, cotonomas and sharing, as one person does them. */
@ExtendWith(StackExtension.class)
class SignedInPersonTest {
  private CotoamiPage page;

  @BeforeEach
  void openBrowser(BrowserStack stack) {
    page = new CotoamiPage(stack);
  }

  @AfterEach
  void closeBrowser() {
    page.close();
  }

  @Test
  @DisplayName("Signing in through the mailed link with the save box ticked moves the anonymous cotos into the account, shows the name and avatar, and signing out goes back to anonymous")
  void signInSavesAnonymousCotosThenSignOut() {
    page.open("/");
    page.post("written before signing in");
    page.coto("written before signing in");
    String email = People.email("ann");

    page.signIn(email, true);

    assertEquals(People.nameOf(email), page.byId("user-name").getText());
    assertFalse(page.driver.findElements(By.cssSelector("#account .avatar")).isEmpty(), "an avatar (or its initial)");
    page.coto("written before signing in");
    assertFalse(page.byId("anonymous-note").isDisplayed());

    page.byId("signout-button").click();
    page.visible(By.id("signin-button"));
    page.visible(By.id("anonymous-note"));
    page.until(d -> page.countCotos("written before signing in") == 0);
  }

  @Test
  @DisplayName("(+) creates a cotonoma shown on the timeline as a link; inside, the breadcrumb shows the path, nesting works, and the URL, back button and reload keep the place")
  void cotonomasNestAndTheUrlFollows() {
    page.open("/");
    page.signIn(People.email("bob"), false);
    page.createCotonoma("Travel");
    page.enter("Travel");
    assertTrue(page.path().startsWith("/cotonomas/"), page.path());
    String travel = page.path();
    page.post("Kyoto in spring");
    page.coto("Kyoto in spring");

    page.createCotonoma("Kyoto");
    page.enter("Kyoto");
    String kyoto = page.path();
    assertEquals("Home / Travel / Kyoto", breadcrumbs());
    page.post("Philosopher's path");
    page.coto("Philosopher's path");

    page.driver.navigate().refresh();
    page.settled();
    assertEquals("Kyoto", page.byId("room-title").getText());
    page.coto("Philosopher's path");

    page.driver.navigate().back();
    page.until(ExpectedConditions.textToBe(By.id("room-title"), "Travel"));
    page.settled();
    assertEquals(travel, page.path());
    page.coto("Kyoto in spring");
    assertEquals(0, page.countCotos("Philosopher's path"), "a cotonoma shows its own timeline");

    page.driver.findElement(By.cssSelector("#breadcrumbs a[href='/']")).click();
    page.until(ExpectedConditions.textToBe(By.id("room-title"), "Home"));
    page.settled();
    page.coto("Philosopher's path");
    page.cotonomaLink("Travel");

    page.open(kyoto);
    assertEquals("Kyoto", page.byId("room-title").getText(), "a shared link opens the cotonoma");
  }

  @Test
  @DisplayName("The owner adds a member by email from the cotonoma's page and removes them again")
  void ownerManagesMembers() {
    page.open("/");
    page.signIn(People.email("cat"), false);
    page.createCotonoma("Book club");
    page.enter("Book club");
    page.visible(By.id("members-button")).click();
    String member = People.email("dan");
    page.visible(By.id("member-email")).sendKeys(member);
    page.byId("member-add").click();
    WebElement row = page.visible(By.cssSelector("#members-list li[data-email='" + member + "']"));
    row.findElement(By.tagName("button")).click();
    page.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("#members-list li[data-email='" + member + "']")));
    assertTrue(page.byId("members-list").getText().contains("Only you so far."));
  }

  private String breadcrumbs() {
    return page.until(d -> {
      String path = String.join(" / ", d.findElements(By.cssSelector("#breadcrumbs li")).stream()
          .map(WebElement::getText).toList());
      return path.endsWith("Kyoto") ? path : null;
    });
  }
}
