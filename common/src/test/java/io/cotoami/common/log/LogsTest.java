package io.cotoami.common.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

@DisplayName("Logs")
class LogsTest {
  static final int LINES = 20_000;

  /** Logs {@link #LINES} lines through the services' logback.xml, flushes (not with "no-flush") and halts. */
  public static final class Burst {
    public static void main(String[] args) {
      Logger log = LoggerFactory.getLogger("burst");
      for (int i = 0; i < LINES; i++) {
        log.info("line {}", i);
      }
      if (!(args.length > 0 && args[0].equals("no-flush"))) {
        Logs.flush();
      }
      Runtime.getRuntime().halt(0);
    }
  }

  @Test
  @DisplayName("writes every queued line before a halt, which the asynchronous appender alone loses")
  void flushWritesEveryQueuedLine() throws Exception {
    assertEquals(LINES, linesWritten(), "every line, with the flush");
    assertTrue(linesWritten("no-flush") < LINES, "without it a halt loses the lines still queued");
  }

  private static long linesWritten(String... args) throws Exception {
    Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command = new ArrayList<>(List.of(javaBin.toString(), "-cp", System.getProperty("java.class.path"),
        Burst.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("LOG_LEVEL", "INFO");
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the burst ended");
    return out.lines().filter(l -> l.contains("\"logger\":\"burst\"")).count();
  }
}
