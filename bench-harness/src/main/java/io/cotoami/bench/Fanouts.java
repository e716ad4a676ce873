package io.cotoami.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;

/** Item 2's small steps: a set-up that did not finish (and its report), waiting for deliveries, reading frames. */
final class Fanouts {
  private Fanouts() {
  }

  /** Set-up that did not finish: how far it got. */
  static final class SetupFailed extends Exception {
    final int subscribed;
    final int refused;
    final long presenceFrames;
    final long millis;

    SetupFailed(String message, int subscribed, int refused, long presenceFrames, long millis) {
      super(message);
      this.subscribed = subscribed;
      this.refused = refused;
      this.presenceFrames = presenceFrames;
      this.millis = millis;
    }
  }

  static int countFailed(boolean[] failed, int from) {
    int count = 0;
    for (int n = from; n < failed.length; n++) {
      count += failed[n] ? 1 : 0;
    }
    return count;
  }

  static void setupFailed(Report report, StringBuilder notes, Proc gateway, int size, String timeline,
                          int limitSeconds, SetupFailed failed) throws IOException {
    String oom = Files.readString(gateway.log).contains("OutOfMemoryError") ? " The gateway's log shows "
        + "`java.lang.OutOfMemoryError`." : "";
    String line = String.format(Locale.ROOT, "%d subscribers of one %s: set-up did not finish in %d s "
        + "(%d of %d subscribed, %d refused; the subscribers had received %d presence frames): %s.%s", size, timeline,
        limitSeconds, failed.subscribed, size, failed.refused, failed.presenceFrames, failed.getMessage(), oom);
    Bench.say("fan-out: " + line);
    notes.append("- **").append(line).append("**\n");
    String item = "2. fan-out " + size + " (" + timeline + ")";
    report.row(item, "subscribed within " + limitSeconds + " s", failed.subscribed, "subscribers wanted", size, "");
    if (failed.refused > 0) {
      report.problem("fan-out " + size + " (" + timeline + "): " + failed.refused + " of " + size
          + " subscriptions refused (a refusal is a failure): " + failed.getMessage());
    }
  }

  static void awaitDelivered(AtomicIntegerArray delivered, int n, int subscribers, int seconds)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (delivered.get(n) < subscribers && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
  }

  static int number(String text, int from) {
    int n = 0;
    int i = from;
    while (i < text.length() && Character.isDigit(text.charAt(i))) {
      n = n * 10 + (text.charAt(i) - '0');
      i++;
    }
    return i == from ? -1 : n;
  }
}
