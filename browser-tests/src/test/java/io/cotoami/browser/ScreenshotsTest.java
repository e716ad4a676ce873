package io.cotoami.browser;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.support.ui.Select;

/**
 * Pictures of the home and a cotonoma at desktop (1280x800) and phone (390x844) sizes, for the
 * README: written to {@code target/screenshots}, or to {@code -Dscreenshots.dir=../docs/screenshots}.
 */
@ExtendWith(StackExtension.class)
class ScreenshotsTest {
  private static final Path DIR = Path.of(System.getProperty("cotoami.screenshots.dir", "target/screenshots"));

  @Test
  @DisplayName("The home and a cotonoma are pictured at desktop and phone sizes")
  void screenshots(BrowserStack stack) throws IOException {
    Files.createDirectories(DIR);
    try (CotoamiPage page = new CotoamiPage(stack)) {
      page.open("/");
      page.signIn("ann@example.com", false);
      page.post("Reading *Tsurezuregusa* again: \"the idle hours\" are where ideas come from.");
      page.post("Groceries\n- miso\n- tofu\n- **green tea**");
      page.createCotonoma("Kyoto trip");
      page.post("Cotoami is a place to jot thoughts and talk about them in real time. See https://cotoa.me");
      page.coto("Cotoami is a place to jot thoughts and talk about them in real time. See https://cotoa.me");
      page.enter("Kyoto trip");
      page.createCotonoma("Temples");
      page.post("Book the **ryokan** near Gion for the 3rd.");
      page.post("Trains: `Nozomi 7` leaves Tokyo at 07:00.");
      page.post("> Don't forget the JR pass\n\nAlso: umbrella.");
      page.coto("Don't forget the JR pass\nAlso: umbrella.");
      // The stock and the graph (issue 20): two pins, a connection with its phrase.
      for (String text : List.of("Book the ryokan near Gion for the 3rd.", "Trains: Nozomi 7 leaves Tokyo at 07:00.")) {
        page.coto(text).findElement(By.xpath("./..")).findElement(By.cssSelector("[data-action='pin']")).sendKeys(Keys.ENTER);
        page.until(d -> d.findElements(By.cssSelector("#stock-list .stock-text")).stream()
            .anyMatch(e -> text.equals(e.getText())) ? true : null);
      }
      page.coto("Book the ryokan near Gion for the 3rd.").findElement(By.xpath("./.."))
          .findElement(By.cssSelector("[data-action='connect']")).sendKeys(Keys.ENTER);
      new Select(page.visible(By.id("connect-target"))).selectByVisibleText("Don't forget the JR pass Also: umbrella.");
      page.byId("connect-phrase").sendKeys("and then");
      page.byId("connect-send").sendKeys(Keys.ENTER);
      page.visible(By.cssSelector("#stock-list .stock-link .phrase"));
      String room = page.path();
      shoot(page, "/", "home");
      shoot(page, room, "cotonoma");
    }
  }

  private static void shoot(CotoamiPage page, String path, String name) throws IOException {
    for (var size : new Object[][] {{"desktop", Chromium.DESKTOP}, {"phone", Chromium.PHONE}}) {
      page.resize((Dimension) size[1]);
      page.open(path);
      page.script("document.activeElement.blur(); window.scrollTo(0, 0)");
      byte[] png = page.driver.getScreenshotAs(OutputType.BYTES);
      Path file = DIR.resolve(name + "-" + size[0] + ".png");
      Files.write(file, png);
      assertTrue(Files.size(file) > 10_000, file + " looks empty");
    }
  }
}
