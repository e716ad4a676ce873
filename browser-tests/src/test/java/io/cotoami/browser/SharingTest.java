package io.cotoami.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/** Issue 16: sharing a cotonoma with a second person, in two browsers, and editing in the page. */
@ExtendWith(StackExtension.class)
@Timeout(240)
class SharingTest {
  private CotoamiPage owner;
  private CotoamiPage member;

  @AfterEach
  void closeBrowsers() {
    if (owner != null) {
      owner.close();
    }
    if (member != null) {
      member.close();
    }
  }

  @Test
  @DisplayName("Invited by mail, a person with no account signs in from it, lands in the room, finds it in their list, chats with names and avatars, sees edits, deletions and a rename live, and loses the room when removed")
  void invitationToRemoval(BrowserStack stack) {
    owner = new CotoamiPage(stack);
    member = new CotoamiPage(stack);
    String ownerEmail = People.email("olga");
    String memberEmail = People.email("max");
    String ownerName = People.nameOf(ownerEmail);
    String memberName = People.nameOf(memberEmail);

    owner.open("/");
    owner.signIn(ownerEmail, false);
    String room = owner.shareNewCotonoma("Book club", memberEmail);

    // The invitation, read in the dev inbox by someone who never signed in.
    member.driver.get(stack.url("/dev/mail"));
    WebElement invitation = member.until(d -> {
      d.navigate().refresh();
      return d.findElements(By.cssSelector("article[data-to='" + memberEmail + "']")).stream()
          .filter(mail -> mail.getText().contains("Book club") && mail.getText().contains(ownerName))
          .flatMap(mail -> mail.findElements(By.cssSelector("a[href*='/cotonomas/']")).stream())
          .findFirst().orElse(null);
    });
    assertEquals(stack.url(room), invitation.getAttribute("href"));
    invitation.click();
    member.until(ExpectedConditions.textToBePresentInElementLocated(By.id("post-error"), "Sign in"));
    member.visible(By.id("signin-button")).click();
    member.visible(By.id("signin-email")).sendKeys(memberEmail);
    member.byId("signin-send").click();
    member.visible(By.id("signin-sent"));
    member.signInLinkFor(memberEmail).click();
    member.visible(By.id("signin")).click();
    member.until(ExpectedConditions.urlToBe(stack.url(room)));
    member.until(ExpectedConditions.textToBe(By.id("room-title"), "Book club"));
    member.settled();

    // A new account is asked for a name, pre-filled with the local part; skipping keeps it.
    member.visible(By.id("name-dialog"));
    assertEquals(memberName, member.byId("name-input").getAttribute("value"));
    member.byId("name-cancel").click();

    WebElement listed = member.visible(By.cssSelector("#rooms-list a[href='" + room + "']"));
    assertTrue(listed.getText().contains("Book club") && listed.getText().contains("shared"), listed.getText());

    // They chat; each sees the other's name and avatar on their cotos.
    member.post("Hello from Max");
    WebElement fromMember = owner.coto("Hello from Max");
    assertEquals(memberName, authorOf(owner, fromMember));
    owner.post("Welcome, Max");
    assertEquals(ownerName, authorOf(member, member.coto("Welcome, Max")));
    assertTrue(avatarTitled(owner, memberName) && avatarTitled(member, ownerName), "avatars carry the names");

    // Editing in place, seen live by the other.
    WebElement mine = cotoItem(member, "Hello from Max");
    mine.findElement(By.cssSelector("[data-action='edit']")).click();
    WebElement editor = member.visible(By.cssSelector(".coto-edit textarea"));
    editor.clear();
    editor.sendKeys("Hello from Max, edited");
    member.pressCtrlEnter(editor);
    owner.coto("Hello from Max, edited");

    // The owner deletes the member's coto; it disappears for the member too.
    owner.script("window.confirm = () => true");
    cotoItem(owner, "Hello from Max, edited").findElement(By.cssSelector("[data-action='delete']")).click();
    member.until(d -> member.countCotos("Hello from Max, edited") == 0);
    assertTrue(cotoItem(member, "Welcome, Max").findElements(By.cssSelector("[data-action='delete']")).isEmpty(),
        "a member may not delete the owner's coto");

    // A rename shows at once in the member's title and list.
    owner.byId("rename-cotonoma-button").click();
    WebElement name = owner.visible(By.id("rename-input"));
    name.clear();
    name.sendKeys("Reading circle");
    owner.byId("rename-save").click();
    member.until(ExpectedConditions.textToBe(By.id("room-title"), "Reading circle"));

    // Removed, the member is taken home and the room leaves their list.
    owner.visible(By.id("members-button")).click();
    owner.click(By.cssSelector("#members-list li[data-email='" + memberEmail + "'] button"));
    owner.until(ExpectedConditions.invisibilityOfElementLocated(
        By.cssSelector("#members-list li[data-email='" + memberEmail + "']")));
    member.until(d -> "/".equals(member.path()));
    member.until(d -> d.findElements(By.cssSelector("#rooms-list a[href='" + room + "']")).isEmpty());
  }

  @Test
  @DisplayName("In dev mode the page opened at 127.0.0.1 (PUBLIC_URL says localhost) posts and goes live, without 'Reconnecting…'")
  void loopbackAlias(BrowserStack stack) {
    owner = new CotoamiPage(stack);
    owner.driver.get(stack.urlAt("127.0.0.1", "/"));
    owner.settled();
    owner.post("from 127.0.0.1");
    owner.coto("from 127.0.0.1");
    assertFalse(owner.byId("post-error").isDisplayed(), owner.byId("post-error").getText());
    owner.until(d -> Boolean.TRUE.equals(owner.script("return !document.body.classList.contains('offline')")));
    assertFalse(owner.byId("connection").isDisplayed());
    assertFalse(owner.byId("live-refused").isDisplayed());
  }

  private static WebElement cotoItem(CotoamiPage page, String text) {
    return page.coto(text).findElement(By.xpath("./ancestor::li[contains(@class,'coto')]"));
  }

  private static String authorOf(CotoamiPage page, WebElement body) {
    return page.until(d -> {
      String author = body.findElement(By.xpath("./ancestor::li[contains(@class,'coto')]"))
          .findElement(By.cssSelector(".author")).getText();
      return author.isEmpty() ? null : author;
    });
  }

  private static boolean avatarTitled(CotoamiPage page, String name) {
    List<WebElement> avatars = page.driver.findElements(By.cssSelector("#timeline .coto-head .avatar"));
    return avatars.stream().anyMatch(a -> name.equals(a.getAttribute("title")));
  }
}
