package io.cotoami.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/** Issue 20, item 7: the page's thinking tools: search, the stock (pins and connections) and the graph. */
@ExtendWith(StackExtension.class)
@Timeout(240)
class SearchAndStockPageTest {
  @RegisterExtension
  final OpenPages pages = new OpenPages();

  @Test
  @DisplayName("In Japanese, a search for 京都 lists my two cotos that hold it, newest first, the word marked, a stranger's private coto not among them; Enter on a result opens its cotonoma with the coto marked")
  void japaneseSearch(BrowserStack stack) {
    CotoamiPage stranger = pages.add(new CotoamiPage(stack));
    stranger.open("/");
    stranger.signIn(People.email("eve"), false);
    stranger.post("京都の秘密の話");
    stranger.coto("京都の秘密の話");

    CotoamiPage page = pages.add(new CotoamiPage(stack, "ja", Chromium.DESKTOP));
    page.open("/");
    page.signIn(People.email("kyo"), false);
    page.createCotonoma("旅行");
    page.enter("旅行");
    String room = page.path();
    page.post("京都で会議 <b>bold</b>");
    page.coto("京都で会議 <b>bold</b>");
    page.open("/");
    page.post("大阪で食事");
    page.post("京都の夕食");
    page.coto("京都の夕食");

    WebElement box = page.visible(By.id("search-input"));
    assertEquals("検索", box.getAttribute("aria-label"));
    box.sendKeys("京都", Keys.ENTER);
    List<WebElement> results = page.until(d -> {
      List<WebElement> found = d.findElements(By.cssSelector("#search-results li"));
      return found.size() == 2 ? found : null;
    });
    assertTrue(results.get(0).getText().contains("京都の夕食"), "newest first: " + results.get(0).getText());
    assertTrue(results.get(1).getText().contains("京都で会議 <b>bold</b>"), "user text stays text: " + results.get(1).getText());
    assertTrue(page.driver.findElements(By.cssSelector("#search-results b")).isEmpty(), "no element made of user text");
    for (WebElement result : results) {
      List<WebElement> marks = result.findElements(By.tagName("mark"));
      assertEquals(1, marks.size(), result.getText());
      assertEquals("京都", marks.get(0).getText());
    }
    assertFalse(page.byId("search-results").getText().contains("秘密"), "a stranger's private coto is not found");
    assertFalse(page.byId("search-results").getText().contains("大阪"));

    WebElement link = results.get(1).findElement(By.tagName("a"));
    link.sendKeys(Keys.ENTER);
    page.until(ExpectedConditions.textToBe(By.id("room-title"), "旅行"));
    assertEquals(room, page.path());
    page.visible(By.cssSelector("#timeline .coto.highlighted"));
    assertTrue(page.byId("search-panel").getAttribute("hidden") != null, "the results close");
  }

  @Test
  @DisplayName("Pins show in the cotonoma's stock; Move up and Alt+ArrowUp reorder them by keyboard, and a drag of the handle too, each order surviving a reload; Connect with a phrase shows the phrase under its source")
  void stockByKeyboard(BrowserStack stack) {
    CotoamiPage page = pages.add(new CotoamiPage(stack));
    page.open("/");
    page.signIn(People.email("sto"), false);
    page.createCotonoma("Stock room");
    page.enter("Stock room");
    for (String text : List.of("first idea", "second idea", "third idea")) {
      page.post(text);
      page.coto(text);
    }
    page.visible(By.id("stock"));
    for (String text : List.of("first idea", "second idea", "third idea")) {
      action(page, text, "pin").sendKeys(Keys.ENTER);
      page.until(d -> stockTexts(page).contains(text) ? true : null);
    }
    assertEquals(List.of("first idea", "second idea", "third idea"), stockTexts(page));

    WebElement up = page.driver.findElement(By.cssSelector("#stock-list > li:nth-child(3) [data-action='up']"));
    up.sendKeys(Keys.ENTER);
    page.until(d -> List.of("first idea", "third idea", "second idea").equals(stockTexts(page)) ? true : null);
    // Alt+ArrowUp on a pin moves it too.
    page.driver.findElement(By.cssSelector("#stock-list > li:nth-child(2) .stock-text")).sendKeys(Keys.chord(Keys.ALT, Keys.ARROW_UP));
    page.until(d -> List.of("third idea", "first idea", "second idea").equals(stockTexts(page)) ? true : null);
    page.until(d -> "third idea".equals(page.script("return document.activeElement.textContent")) ? true : null);

    page.driver.navigate().refresh();
    page.settled();
    page.until(d -> List.of("third idea", "first idea", "second idea").equals(stockTexts(page)) ? true : null);

    // By drag: the last pin's handle, held and moved above the first pin.
    WebElement handle = page.driver.findElement(By.cssSelector("#stock-list > li:nth-child(3) .drag-handle"));
    WebElement top = page.driver.findElement(By.cssSelector("#stock-list > li:nth-child(1)"));
    new Actions(page.driver).clickAndHold(handle).moveByOffset(0, -4).moveToElement(top, 0, -3).release().perform();
    page.until(d -> List.of("second idea", "third idea", "first idea").equals(stockTexts(page)) ? true : null);
    page.driver.navigate().refresh();
    page.settled();
    page.until(d -> List.of("second idea", "third idea", "first idea").equals(stockTexts(page)) ? true : null);

    action(page, "first idea", "connect").sendKeys(Keys.ENTER);
    page.visible(By.id("connect-dialog"));
    new Select(page.byId("connect-target")).selectByVisibleText("second idea");
    page.byId("connect-phrase").sendKeys("for example");
    page.byId("connect-send").sendKeys(Keys.ENTER);
    WebElement link = page.visible(By.cssSelector("#stock-list li[data-coto-id] .stock-link .phrase"));
    assertEquals("for example", link.getText());
    WebElement branch = link.findElement(By.xpath("./ancestor::li[contains(@class,'stock-link')][1]"));
    assertTrue(branch.getText().contains("second idea"), branch.getText());
    assertEquals("first idea", branch.findElement(By.xpath("./ancestor::li[contains(@class,'pin')][1]"))
        .findElement(By.cssSelector(".pin-row .stock-text")).getText(), "nested under its source");

    // The Pin button is a toggle: pressed again, it unpins.
    WebElement pinned = action(page, "third idea", "pin");
    assertEquals("true", pinned.getAttribute("aria-pressed"));
    assertEquals("Pinned ✓", pinned.getText());
    pinned.sendKeys(Keys.ENTER);
    page.until(d -> List.of("second idea", "first idea").equals(stockTexts(page)) ? true : null);
    page.until(d -> "Pin".equals(action(page, "third idea", "pin").getText()) ? true : null);
  }

  @Test
  @DisplayName("Home has its own stock and graph: a coto posted in a cotonoma, pinned from home, is in home's stock (not the cotonoma's), with its connection; the graph of home shows both cotos")
  void homeStock(BrowserStack stack) {
    CotoamiPage page = pages.add(new CotoamiPage(stack));
    page.open("/");
    page.signIn(People.email("hom"), false);
    page.createCotonoma("Elsewhere");
    page.enter("Elsewhere");
    page.post("posted in a room");
    page.coto("posted in a room");
    page.open("/");
    page.post("posted at home");
    page.coto("posted at home");
    page.visible(By.id("stock-empty"));
    action(page, "posted in a room", "pin").sendKeys(Keys.ENTER);
    page.until(d -> List.of("posted in a room").equals(stockTexts(page)) ? true : null);
    page.connect("posted in a room", "posted at home", "see also");
    assertEquals("see also", page.visible(By.cssSelector("#stock-list .stock-link .phrase")).getText());
    page.byId("graph-toggle").sendKeys(Keys.ENTER);
    page.until(d -> d.findElements(By.cssSelector("#graph-svg g.node")).size() == 2 ? true : null);

    page.enter("Elsewhere");
    page.visible(By.id("stock-empty"));
    assertEquals(List.of(), stockTexts(page), "the cotonoma's stock is its own");
    assertEquals("Pin", action(page, "posted in a room", "pin").getText());
  }

  @Test
  @DisplayName("An anonymous visitor, whom the search and graph API refuse, is offered no search box, stock, graph, Pin or Connect")
  void anonymousIsOfferedNone(BrowserStack stack) {
    CotoamiPage page = pages.add(new CotoamiPage(stack));
    page.open("/");
    page.post("an anonymous note");
    page.coto("an anonymous note");
    for (String id : List.of("search-form", "stock-toggle", "graph-toggle", "stock", "graph", "search-panel")) {
      assertFalse(page.byId(id).isDisplayed(), id);
    }
    assertTrue(page.driver.findElements(By.cssSelector("#timeline [data-action='pin'], #timeline [data-action='connect']"))
        .isEmpty());
  }

  @Test
  @DisplayName("B, viewing a shared cotonoma, sees A's pin and A's connection with its phrase appear in the stock live")
  void secondViewerSeesPinsLive(BrowserStack stack) {
    CotoamiPage a = pages.add(new CotoamiPage(stack));
    CotoamiPage b = pages.add(new CotoamiPage(stack));
    String aEmail = People.email("ada");
    String bEmail = People.email("bea");
    a.open("/");
    a.signIn(aEmail, false);
    String room = a.shareNewCotonoma("Live stock", bEmail);
    b.open("/");
    b.signIn(bEmail, false);
    b.open(room);
    // Both follow the room: B's presence list shows A.
    b.visible(By.cssSelector("#presence li[title='" + People.nameOf(aEmail) + "']"));
    a.post("shared one");
    a.post("shared two");
    b.coto("shared one");
    b.coto("shared two");
    b.visible(By.id("stock-empty"));

    action(a, "shared one", "pin").click();
    b.until(d -> List.of("shared one").equals(stockTexts(b)) ? true : null);
    action(a, "shared one", "connect").click();
    a.visible(By.id("connect-dialog"));
    new Select(a.byId("connect-target")).selectByVisibleText("shared two");
    a.byId("connect-phrase").sendKeys("because");
    a.byId("connect-send").click();
    WebElement phrase = b.visible(By.cssSelector("#stock-list .stock-link .phrase"));
    assertEquals("because", phrase.getText());
  }

  @Test
  @DisplayName("The graph view shows the cotonoma's cotos as nodes and a labelled edge; zoom and pan by buttons and keys; a click on a node opens that coto")
  void graphView(BrowserStack stack) {
    CotoamiPage page = pages.add(new CotoamiPage(stack));
    page.open("/");
    page.signIn(People.email("gra"), false);
    page.createCotonoma("Graph room");
    page.enter("Graph room");
    for (String text : List.of("alpha", "beta", "gamma")) {
      page.post(text);
      page.coto(text);
    }
    page.connect("alpha", "beta", "leads to");
    page.connect("beta", "gamma", null);

    page.visible(By.id("graph-toggle")).sendKeys(Keys.ENTER);
    page.visible(By.id("graph"));
    page.until(d -> d.findElements(By.cssSelector("#graph-svg g.node")).size() == 3 ? true : null);
    assertEquals(2, page.driver.findElements(By.cssSelector("#graph-svg g.edge")).size());
    assertTrue(page.driver.findElements(By.cssSelector("#graph-svg .edge-label")).stream()
        .anyMatch(label -> "leads to".equals(label.getText())), "the phrase labels its edge");

    String before = viewBox(page);
    page.byId("graph-zoom-in").click();
    page.until(d -> !before.equals(viewBox(page)) ? true : null);
    String zoomed = viewBox(page);
    page.byId("graph-svg").sendKeys(Keys.ARROW_RIGHT);
    page.until(d -> !zoomed.equals(viewBox(page)) ? true : null);
    page.byId("graph-reset").click();

    WebElement beta = page.driver.findElements(By.cssSelector("#graph-svg g.node")).stream()
        .filter(node -> node.getText().contains("beta")).findFirst().orElseThrow();
    beta.click();
    page.until(d -> page.byId("graph-detail").getText().contains("beta") ? true : null);
    WebElement shown = page.visible(By.cssSelector("#timeline .coto.highlighted"));
    assertEquals(beta.getAttribute("data-id"), shown.getAttribute("data-id"));
    WebElement gamma = page.driver.findElements(By.cssSelector("#graph-svg g.node")).stream()
        .filter(node -> node.getText().contains("gamma")).findFirst().orElseThrow();
    gamma.sendKeys(Keys.ENTER);
    page.until(d -> page.byId("graph-detail").getText().contains("gamma") ? true : null);
  }

  @Test
  @DisplayName("On a 390 px phone, in Japanese (the longer labels), the search results, the stock and the graph fit the width")
  void phoneFits(BrowserStack stack) {
    CotoamiPage page = pages.add(new CotoamiPage(stack, "ja", Chromium.DESKTOP));
    page.open("/");
    page.signIn(People.email("pho"), false);
    page.createCotonoma("Phone room");
    page.enter("Phone room");
    page.post("a rather long coto about small screens and how the stock must wrap its words nicely");
    page.post("short");
    page.coto("short");
    page.connect("short", "a rather long coto about small screens and how the stock must wrap its words nicely",
        "a phrase long enough to need wrapping on a phone");
    action(page, "short", "pin").click();
    page.resize(Chromium.PHONE);
    assertFits(page);

    WebElement stockToggle = page.visible(By.id("stock-toggle"));
    if (!page.byId("stock").isDisplayed()) {
      stockToggle.sendKeys(Keys.ENTER);
    }
    page.until(d -> stockTexts(page).contains("short") ? true : null);
    assertEquals("ストック", page.byId("stock-title").getText());
    assertEquals("ピン留め済み ✓", action(page, "short", "pin").getText());
    page.visible(By.cssSelector("#stock-list .stock-link .phrase"));
    assertFits(page);
    page.byId("graph-toggle").sendKeys(Keys.ENTER);
    page.until(d -> d.findElements(By.cssSelector("#graph-svg g.node")).size() == 2 ? true : null);
    assertFits(page);
    WebElement box = page.visible(By.id("search-input"));
    box.sendKeys("small", Keys.ENTER);
    page.until(d -> d.findElements(By.cssSelector("#search-results li")).size() == 1 ? true : null);
    assertFits(page);
  }

  private static String viewBox(CotoamiPage page) {
    return (String) page.script("return document.getElementById('graph-svg').getAttribute('viewBox')");
  }

  private static void assertFits(CotoamiPage page) {
    assertEquals(Boolean.TRUE, page.script("return document.documentElement.scrollWidth <= window.innerWidth"),
        () -> "scrollWidth " + page.script("return document.documentElement.scrollWidth"));
  }

  /** A coto's action button in the timeline. */
  private static WebElement action(CotoamiPage page, String text, String action) {
    return page.coto(text).findElement(By.xpath("./..")).findElement(By.cssSelector("[data-action='" + action + "']"));
  }

  /** The texts of the stock's pins, in their order. */
  private static List<String> stockTexts(CotoamiPage page) {
    return page.driver.findElements(By.cssSelector("#stock-list > li.pin > .pin-row .stock-text")).stream()
        .map(WebElement::getText).toList();
  }

}
