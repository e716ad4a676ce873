package io.cotoami.infra;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import io.cotoami.common.log.JsonLineEncoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.slf4j.LoggerFactory;

/**
 * Every log line of every service running in this JVM, encoded exactly as it goes to stdout, kept
 * in memory, for tests that check what an attacker with the logs would read.
 */
public final class LogCapture implements AutoCloseable {
  private final LoggerContext context;
  private final ByteArrayOutputStream lines = new ByteArrayOutputStream();
  private final OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();

  private LogCapture() {
    context = (LoggerContext) LoggerFactory.getILoggerFactory();
    JsonLineEncoder encoder = new JsonLineEncoder();
    encoder.setContext(context);
    encoder.start();
    appender.setContext(context);
    appender.setEncoder(encoder);
    appender.setOutputStream(lines);
    appender.start();
    context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(appender);
  }

  /** Starts capturing at the root logger. */
  public static LogCapture start() {
    return new LogCapture();
  }

  /** Everything logged so far. */
  public String text() {
    try {
      appender.getOutputStream().flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return lines.toString(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(appender);
    appender.stop();
  }
}
