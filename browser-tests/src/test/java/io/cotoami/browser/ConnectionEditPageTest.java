package io.cotoami.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/**
 * Issue 20: a connection's phrase changed afterwards and a coto's connections put in a new order,
 * from the stock (PUT /api/graph/connections/{id}, PUT /api/graph/cotos/{id}/order), seen live by
 * a second viewer of a shared cotonoma.
 */
@ExtendWith(StackExtension.class)
@Timeout(240)
class ConnectionEditPageTest {
  @RegisterExtension
  final OpenPages pages = new OpenPages();

  @Test
  @DisplayName("A relabels a connection in the stock by keyboard (Escape cancels, Enter saves, empty removes the phrase); each phrase survives a reload and reaches B's page live; B, in Japanese, may not relabel A's connection and is told so")
  void relabelAConnection(BrowserStack stack) {
    CotoamiPage[] both = sharedRoom(stack, "Phrases", "ja");
    CotoamiPage a = both[0];
    CotoamiPage b = both[1];
    a.post("a claim");
    a.post("its reason");
    a.coto("its reason");
    pin(a, "a claim");
    a.connect("a claim", "its reason", "because");
    a.until(d -> List.of("because").equals(phrases(a)) ? true : null);
    b.until(d -> List.of("because").equals(phrases(b)) ? true : null);

    // Escape cancels: nothing is sent, the phrase stays and the focus is back on the button.
    WebElement edit = linkControl(a, "its reason", "relabel");
    assertEquals("Edit the phrase: its reason", edit.getAttribute("aria-label"));
    edit.sendKeys(Keys.ENTER);
    WebElement input = phraseInput(a);
    assertEquals("Linking phrase", input.getAttribute("aria-label"));
    assertEquals("because", input.getAttribute("value"));
    input.sendKeys(Keys.chord(Keys.CONTROL, "a"), "never saved", Keys.ESCAPE);
    a.until(d -> d.findElements(By.cssSelector("#stock-list input.phrase-input")).isEmpty() ? true : null);
    assertEquals(List.of("because"), phrases(a));
    a.until(d -> "relabel".equals(a.script("return document.activeElement.dataset.action")) ? true : null);

    // Enter saves: shown at once, kept by the server, and B's page (never reloaded) follows.
    linkControl(a, "its reason", "relabel").sendKeys(Keys.ENTER);
    phraseInput(a).sendKeys(Keys.chord(Keys.CONTROL, "a"), "for example <b>x</b>", Keys.ENTER);
    a.until(d -> List.of("for example <b>x</b>").equals(phrases(a)) ? true : null);
    b.until(d -> List.of("for example <b>x</b>").equals(phrases(b)) ? true : null);
    assertEquals(0, b.driver.findElements(By.cssSelector("#stock-list .phrase b")).size(), "user text stays text");
    a.driver.navigate().refresh();
    a.settled();
    a.until(d -> List.of("for example <b>x</b>").equals(phrases(a)) ? true : null);

    // B is neither the connection's author nor the room's owner: the page says so, in Japanese, and keeps A's phrase.
    WebElement bEdit = linkControl(b, "its reason", "relabel");
    assertEquals("つなぎの言葉を編集: its reason", bEdit.getAttribute("aria-label"));
    bEdit.sendKeys(Keys.ENTER);
    phraseInput(b).sendKeys(Keys.chord(Keys.CONTROL, "a"), "mine", Keys.ENTER);
    b.until(d -> "その操作は許可されていません。".equals(b.byId("stock-error").getText()) ? true : null);
    b.until(d -> List.of("for example <b>x</b>").equals(phrases(b)) ? true : null);

    // An empty phrase removes it.
    linkControl(a, "its reason", "relabel").sendKeys(Keys.ENTER);
    phraseInput(a).sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE, Keys.ENTER);
    a.until(d -> phrases(a).isEmpty() && List.of("its reason").equals(linkTexts(a, "a claim")) ? true : null);
    b.until(d -> phrases(b).isEmpty() && List.of("its reason").equals(linkTexts(b, "a claim")) ? true : null);
    a.driver.navigate().refresh();
    a.settled();
    a.until(d -> List.of("its reason").equals(linkTexts(a, "a claim")) ? true : null);
    assertEquals(List.of(), phrases(a));
  }

  @Test
  @DisplayName("A puts a pin's two connections in a new order with Alt+ArrowUp (the focus follows), then by dragging a handle; each order survives a reload and reaches B's page live; B's own try is refused, said, and undone")
  void reorderConnections(BrowserStack stack) {
    CotoamiPage[] both = sharedRoom(stack, "Order room", "en-US");
    CotoamiPage a = both[0];
    CotoamiPage b = both[1];
    for (String text : List.of("hub", "first step", "second step")) {
      a.post(text);
      a.coto(text);
    }
    pin(a, "hub");
    a.connect("hub", "first step", null);
    a.connect("hub", "second step", "then");
    List<String> made = List.of("first step", "second step");
    List<String> swapped = List.of("second step", "first step");
    a.until(d -> made.equals(linkTexts(a, "hub")) ? true : null);
    b.until(d -> made.equals(linkTexts(b, "hub")) ? true : null);

    WebElement second = linkControl(a, "second step", "open");
    assertEquals("Alt+ArrowUp Alt+ArrowDown", second.getAttribute("aria-keyshortcuts"));
    second.sendKeys(Keys.chord(Keys.ALT, Keys.ARROW_UP));
    a.until(d -> swapped.equals(linkTexts(a, "hub")) ? true : null);
    a.until(d -> "second step".equals(a.script("return document.activeElement.textContent")) ? true : null);
    assertEquals("then", link(a, "second step").findElement(By.cssSelector(":scope > .link-row .phrase")).getText(),
        "the phrase moves with its connection");
    b.until(d -> swapped.equals(linkTexts(b, "hub")) ? true : null);
    a.driver.navigate().refresh();
    a.settled();
    a.until(d -> swapped.equals(linkTexts(a, "hub")) ? true : null);

    // B may not reorder A's connections: the new order shows, then the refusal puts it back.
    linkControl(b, "second step", "open").sendKeys(Keys.chord(Keys.ALT, Keys.ARROW_DOWN));
    b.until(d -> "You are not allowed to do that.".equals(b.byId("stock-error").getText()) ? true : null);
    b.until(d -> swapped.equals(linkTexts(b, "hub")) ? true : null);

    // By drag: the last connection's handle, held and moved above the first.
    WebElement handle = linkControl(a, "first step", "drag");
    WebElement top = a.until(d -> link(a, "second step"));
    new Actions(a.driver).clickAndHold(handle).moveByOffset(0, -4).moveToElement(top, 0, -3).release().perform();
    a.until(d -> made.equals(linkTexts(a, "hub")) ? true : null);
    b.until(d -> made.equals(linkTexts(b, "hub")) ? true : null);
    a.driver.navigate().refresh();
    a.settled();
    a.until(d -> made.equals(linkTexts(a, "hub")) ? true : null);
  }

  /** A (English) shares a new cotonoma with B (in {@code bLanguage}); both view it, each seeing the other there. */
  private CotoamiPage[] sharedRoom(BrowserStack stack, String name, String bLanguage) {
    CotoamiPage a = pages.add(new CotoamiPage(stack));
    CotoamiPage b = pages.add(new CotoamiPage(stack, bLanguage, Chromium.DESKTOP));
    String aEmail = People.email("ana");
    String bEmail = People.email("ben");
    a.open("/");
    a.signIn(aEmail, false);
    String room = a.shareNewCotonoma(name, bEmail);
    b.open("/");
    b.signIn(bEmail, false);
    b.open(room);
    b.visible(By.cssSelector("#presence li[title='" + People.nameOf(aEmail) + "']"));
    a.visible(By.cssSelector("#presence li[title='" + People.nameOf(bEmail) + "']"));
    return new CotoamiPage[] {a, b};
  }

  private static void pin(CotoamiPage page, String text) {
    page.cotoAction(text, "pin");
    page.until(d -> d.findElements(By.cssSelector("#stock-list > li.pin > .pin-row .stock-text")).stream()
        .anyMatch(pin -> pin.getText().equals(text)) ? true : null);
  }


  /** The phrases shown in the stock, in their order. */
  private static List<String> phrases(CotoamiPage page) {
    return page.driver.findElements(By.cssSelector("#stock-list .stock-link .phrase")).stream()
        .map(WebElement::getText).toList();
  }

  /** The cotos the pin showing {@code pinText} is connected to, in the connections' order. */
  private static List<String> linkTexts(CotoamiPage page, String pinText) {
    return page.driver.findElements(By.cssSelector("#stock-list > li.pin")).stream()
        .filter(pin -> pin.findElement(By.cssSelector(".pin-row .stock-text")).getText().equals(pinText))
        .flatMap(pin -> pin.findElements(By.cssSelector(":scope > ul.connections > li.stock-link > .link-row .stock-text"))
            .stream())
        .map(WebElement::getText).toList();
  }

  /** The stock's item of the connection leading to {@code target}, or null. */
  private static WebElement link(CotoamiPage page, String target) {
    return page.driver.findElements(By.cssSelector("#stock-list li.stock-link")).stream()
        .filter(item -> item.findElement(By.cssSelector(":scope > .link-row .stock-text")).getText().equals(target))
        .findFirst().orElse(null);
  }

  /**
   * A control of the connection leading to {@code target}: its text ("open"), its drag handle
   * ("drag") or one of its buttons (by data-action), found again when the stock re-rendered.
   */
  private static WebElement linkControl(CotoamiPage page, String target, String control) {
    String css = switch (control) {
      case "open" -> ":scope > .link-row .stock-text";
      case "drag" -> ":scope > .link-row .drag-handle";
      default -> ":scope > .link-row [data-action='" + control + "']";
    };
    return page.until(d -> {
      WebElement item = link(page, target);
      return item == null ? null : item.findElements(By.cssSelector(css)).stream().findFirst().orElse(null);
    });
  }

  /** The open phrase editor, focused. */
  private static WebElement phraseInput(CotoamiPage page) {
    return page.until(d -> {
      WebElement input = page.driver.switchTo().activeElement();
      return input.getTagName().equals("input") && input.getAttribute("class").contains("phrase-input") ? input : null;
    });
  }
}
