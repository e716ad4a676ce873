package io.cotoami.browser;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Starts the system's headless Chromium through the system's chromedriver: nothing is downloaded
 * (no Selenium Manager), each browser gets a fresh profile. A missing browser fails the test with
 * the command that installs it: a browser suite that skips itself would pass without testing.
 */
final class Chromium {
  static final Path BROWSER = Path.of(System.getProperty("cotoami.chromium", "/usr/bin/chromium"));
  static final Path DRIVER = Path.of(System.getProperty("cotoami.chromedriver", "/usr/bin/chromedriver"));
  static final Dimension DESKTOP = new Dimension(1280, 800);
  static final Dimension PHONE = new Dimension(390, 844);

  private Chromium() {
  }

  /** A browser whose UI language preference is {@code language} (e.g. "en-US", "ja"). */
  static ChromeDriver start(String language, Dimension size) {
    requireInstalled();
    Path profile = newProfile();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BROWSER.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-extensions", "--hide-scrollbars", "--force-device-scale-factor=1",
        "--user-data-dir=" + profile, "--lang=" + language,
        "--window-size=" + size.getWidth() + "," + size.getHeight());
    options.setExperimentalOption("prefs", Map.of("intl.accept_languages", language));
    options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(DRIVER.toFile())
        .usingAnyFreePort()
        .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30)).scriptTimeout(Duration.ofSeconds(10));
    Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(profile)));
    return driver;
  }

  /** Fails, saying how to install them, when the browser or its driver is missing. */
  static void requireInstalled() {
    if (!Files.isExecutable(BROWSER) || !Files.isExecutable(DRIVER)) {
      throw new IllegalStateException("The browser tests need Chromium and its driver at " + BROWSER + " and " + DRIVER
          + ". Install them with: sudo apt-get install chromium chromium-driver (or run .ci/run, which does).");
    }
  }

  private static Path newProfile() {
    try {
      return Files.createTempDirectory("cotoami-chromium-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void delete(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    } catch (IOException e) {
      // A profile left in the temp directory is harmless.
    }
  }
}
