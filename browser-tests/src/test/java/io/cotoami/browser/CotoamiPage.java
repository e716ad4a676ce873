package io.cotoami.browser;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** One person's browser on Cotoami, with the gestures the tests need, each waiting for its effect. */
final class CotoamiPage implements AutoCloseable {
  private static final Duration WAIT = Duration.ofSeconds(20);
  final ChromeDriver driver;
  private final BrowserStack stack;

  CotoamiPage(BrowserStack stack, String language, Dimension size) {
    this.stack = stack;
    this.driver = Chromium.start(language, size);
    resize(size);
  }

  /** Makes the page's viewport (not the window around it) exactly this size. */
  void resize(Dimension viewport) {
    driver.manage().window().setSize(viewport);
    long width = (Long) script("return window.innerWidth");
    long height = (Long) script("return window.innerHeight");
    driver.manage().window().setSize(new Dimension(2 * viewport.getWidth() - (int) width,
        2 * viewport.getHeight() - (int) height));
  }

  CotoamiPage(BrowserStack stack) {
    this(stack, "en-US", Chromium.DESKTOP);
  }

  /** Opens a page address and waits until its timeline has loaded. */
  CotoamiPage open(String path) {
    driver.get(stack.url(path));
    return settled();
  }

  CotoamiPage settled() {
    until(d -> d.findElement(By.tagName("body")).getAttribute("data-loaded") != null
        && d.findElement(By.tagName("body")).getAttribute("data-session") != null);
    return this;
  }

  <T> T until(Function<WebDriver, T> condition) {
    return new WebDriverWait(driver, WAIT).ignoring(StaleElementReferenceException.class).until(condition);
  }

  WebElement visible(By by) {
    return until(ExpectedConditions.visibilityOfElementLocated(by));
  }

  /** Clicks what {@code by} finds once it is clickable, finding it again if the page re-rendered it meanwhile. */
  void click(By by) {
    until(d -> {
      WebElement element = ExpectedConditions.elementToBeClickable(by).apply(d);
      if (element == null) {
        return false;
      }
      element.click();
      return true;
    });
  }

  WebElement byId(String id) {
    return driver.findElement(By.id(id));
  }

  /** Types a coto and presses the Post button. */
  void post(String text) {
    WebElement box = byId("post-content");
    box.sendKeys(text);
    byId("post-button").click();
  }

  /** The texts of the cotos on screen, newest first. */
  List<String> cotoTexts() {
    return driver.findElements(By.cssSelector("#timeline .coto")).stream().map(WebElement::getText).toList();
  }

  /** Waits until a confirmed (not pending) coto whose body reads {@code text} is on the timeline. */
  WebElement coto(String text) {
    return until(d -> d.findElements(By.cssSelector("#timeline .coto[data-id] .coto-body")).stream()
        .filter(body -> body.getText().equals(text)).findFirst().orElse(null));
  }

  /**
   * Presses the button of {@code action} (repost, edit, cotonomatize...) on the coto showing
   * {@code text}, finding both again when the timeline re-rendered the coto meanwhile (it redraws
   * cotos as it learns their authors' names or replays live events).
   */
  void cotoAction(String text, String action) {
    until(d -> {
      coto(text).findElement(By.xpath("./..")).findElement(By.cssSelector("[data-action='" + action + "']")).click();
      return true;
    });
  }

  long countCotos(String text) {
    return driver.findElements(By.cssSelector("#timeline .coto .coto-body")).stream()
        .filter(body -> body.getText().equals(text)).count();
  }

  /** Signs in through the dev inbox as a person would: ask for a link, open the mail, press the button. */
  void signIn(String email, boolean saveAnonymousCotos) {
    visible(By.id("signin-button")).click();
    visible(By.id("signin-email")).sendKeys(email);
    WebElement save = byId("signin-save");
    if (save.isSelected() != saveAnonymousCotos) {
      save.click();
    }
    byId("signin-send").click();
    visible(By.id("signin-sent"));
    signInLinkFor(email).click();
    visible(By.id("signin")).click();
    until(ExpectedConditions.urlToBe(stack.url("/")));
    settled();
    visible(By.id("user-name"));
    skipWelcome();
  }

  /** Opens the dev inbox in this page and waits for a sign-in link mailed to {@code email}. */
  WebElement signInLinkFor(String email) {
    driver.get(stack.url("/dev/mail"));
    return until(d -> {
      d.navigate().refresh();
      return d.findElements(By.cssSelector("article[data-to='" + email + "'] a[href*='/signin/']")).stream()
          .findFirst().orElse(null);
    });
  }

  /** A new account is asked for a display name (issue 16); the tests that do not care skip it. */
  void skipWelcome() {
    if (Boolean.TRUE.equals(script("return document.getElementById('name-dialog').open"))) {
      byId("name-cancel").click();
    }
  }

  /** Creates a cotonoma where the page is, with the (+) button, and waits for its link. */
  WebElement createCotonoma(String name) {
    visible(By.id("new-cotonoma-button")).click();
    visible(By.id("cotonoma-name")).sendKeys(name);
    byId("cotonoma-create").click();
    return cotonomaLink(name);
  }

  /** Adds a member by email in the members dialog of the cotonoma shown, waits for the row and closes the dialog. */
  void addMember(String email) {
    visible(By.id("members-button")).click();
    visible(By.id("member-email")).sendKeys(email);
    byId("member-add").click();
    visible(By.cssSelector("#members-list li[data-email='" + email + "']"));
    driver.findElement(By.cssSelector("#members-dialog [data-close]")).click();
  }

  /** Creates a cotonoma where the page is, enters it and shares it with {@code email}; answers its path. */
  String shareNewCotonoma(String name, String email) {
    createCotonoma(name);
    enter(name);
    String room = path();
    addMember(email);
    return room;
  }

  WebElement cotonomaLink(String name) {
    return until(d -> d.findElements(By.cssSelector("#timeline a.cotonoma-link")).stream()
        .filter(a -> a.getText().contains(name)).findFirst().orElse(null));
  }

  /** Follows a cotonoma's link and waits for its timeline. */
  void enter(String name) {
    cotonomaLink(name).click();
    until(ExpectedConditions.textToBe(By.id("room-title"), name));
    settled();
  }

  String path() {
    return (String) ((JavascriptExecutor) driver).executeScript("return location.pathname");
  }

  Object script(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  Object asyncScript(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeAsyncScript(script, args);
  }

  /** Cuts this browser off the network (as when Wi-Fi drops), or gives it back. */
  void online(boolean online) {
    driver.executeCdpCommand("Network.enable", Map.of());
    driver.executeCdpCommand("Network.emulateNetworkConditions", Map.of("offline", !online, "latency", 0,
        "downloadThroughput", -1, "uploadThroughput", -1));
  }

  /**
   * From the next page load on, answers to requests whose path is {@code path} reach the page {@code millis}
   * later, as on a slow link where one answer overtakes another.
   */
  void slowAnswers(String path, int millis) {
    String wrap = "(() => { const real = window.fetch; window.fetch = async (input, init) => {"
        + " const response = await real(input, init);"
        + " const url = new URL(typeof input === 'string' ? input : input.url, location.href);"
        + " if (url.pathname === " + jsString(path) + ") await new Promise((r) => setTimeout(r, " + millis + "));"
        + " return response; }; })();";
    driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", wrap));
  }

  /** Connects two cotos on the timeline through the page's Connect dialog, with a linking phrase unless null. */
  public void connect(String from, String to, String phrase) {
    cotoAction(from, "connect");
    visible(By.id("connect-dialog"));
    new org.openqa.selenium.support.ui.Select(byId("connect-target")).selectByVisibleText(to);
    if (phrase != null) {
      byId("connect-phrase").sendKeys(phrase);
    }
    byId("connect-send").click();
    until(d -> !Boolean.TRUE.equals(script("return document.getElementById('connect-dialog').open")) ? true : null);
  }

  private static String jsString(String text) {
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  void pressCtrlEnter(WebElement element) {
    element.sendKeys(Keys.chord(Keys.CONTROL, Keys.ENTER));
  }

  @Override
  public void close() {
    driver.quit();
  }
}
