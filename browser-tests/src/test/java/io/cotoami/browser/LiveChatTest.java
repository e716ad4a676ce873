package io.cotoami.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;

/** Point 5 of the issue: two people in one shared cotonoma, each in their own browser. */
@ExtendWith(StackExtension.class)
class LiveChatTest {
  private CotoamiPage owner;
  private CotoamiPage member;
  private String ownerName;
  private String memberName;

  /** The owner creates a cotonoma and shares it with the member; both have it open. */
  @BeforeEach
  void twoPeopleInOneCotonoma(BrowserStack stack) {
    owner = new CotoamiPage(stack);
    member = new CotoamiPage(stack);
    String ownerEmail = People.email("olga");
    String memberEmail = People.email("max");
    ownerName = People.nameOf(ownerEmail);
    memberName = People.nameOf(memberEmail);
    owner.open("/");
    owner.signIn(ownerEmail, false);
    owner.createCotonoma("Tea room");
    owner.enter("Tea room");
    owner.addMember(memberEmail);

    member.open("/");
    member.signIn(memberEmail, false);
    member.open(owner.path());
    assertEquals("Tea room", member.byId("room-title").getText());
  }

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
  @DisplayName("Each sees the other's posts without reloading, who is viewing as avatars, and who is typing")
  void postsPresenceAndTyping() {
    owner.until(d -> d.findElements(By.cssSelector("#presence li[data-user-id]")).size() == 2);
    member.until(d -> d.findElements(By.cssSelector("#presence li[data-user-id]")).size() == 2);
    assertTrue(owner.driver.findElement(By.id("presence")).findElements(By.cssSelector("[title='" + memberName + "']"))
        .size() > 0, "the member's avatar is titled with their name");

    owner.byId("post-content").sendKeys("Shall we");
    member.until(ExpectedConditions.textToBe(By.id("typing"), ownerName + " is typing…"));

    owner.byId("post-button").click();
    member.coto("Shall we");
    member.post("Yes, green tea");
    owner.coto("Yes, green tea");
    assertEquals(1, owner.countCotos("Shall we"));
  }

  @Test
  @DisplayName("After the network drops and returns, the timeline catches up with every post made meanwhile, once each, showing reconnecting… while away")
  void catchesUpAfterTheNetworkReturns() {
    owner.post("before the drop");
    member.coto("before the drop");

    member.online(false);
    member.until(ExpectedConditions.textToBe(By.id("connection"), "Reconnecting…"));
    owner.post("while away 1");
    owner.post("while away 2");
    owner.coto("while away 2");
    assertEquals(0, member.countCotos("while away 1"), "nothing can arrive while offline");

    member.online(true);
    member.coto("while away 1");
    member.coto("while away 2");
    member.until(ExpectedConditions.invisibilityOfElementLocated(By.id("connection")));
    owner.post("after the return");
    member.coto("after the return");
    for (String text : new String[] {"before the drop", "while away 1", "while away 2", "after the return"}) {
      assertEquals(1, member.countCotos(text), text);
    }
  }
}
