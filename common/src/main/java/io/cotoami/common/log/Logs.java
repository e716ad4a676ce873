package io.cotoami.common.log;

import ch.qos.logback.classic.LoggerContext;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/** The process's logging as a whole. */
public final class Logs {
  private Logs() {
  }

  /**
   * Writes out every line still queued (logback.xml writes asynchronously) and stops logging:
   * call it last, right before the process halts, or the lines that say why it stopped are lost.
   */
  public static void flush() {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (factory instanceof LoggerContext context) {
      context.stop();
    }
  }
}
