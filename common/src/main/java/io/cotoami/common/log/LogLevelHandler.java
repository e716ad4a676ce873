package io.cotoami.common.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.cotoami.common.http.JsonBodies;
import io.cotoami.common.http.Problem;
import io.cotoami.common.http.ProblemException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /log-level} and {@code PUT /log-level {"level": "WARN"}} on the management port: the
 * level of the process's root logger, changed at run time (until the next start, which reads
 * {@code LOG_LEVEL}). Loggers logback.xml sets on their own (Hazelcast, Netty, Flyway) keep theirs.
 */
public final class LogLevelHandler {
  static final List<String> LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR");
  private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(LogLevelHandler.class);

  private LogLevelHandler() {
  }

  public static void get(RoutingContext ctx) {
    ctx.json(new JsonObject().put("level", root().getEffectiveLevel().toString()));
  }

  public static void put(RoutingContext ctx) {
    JsonObject body = JsonBodies.object(ctx);
    String level = JsonBodies.optionalString(body, "level");
    String wanted = level == null ? null : level.strip().toUpperCase(Locale.ROOT);
    if (wanted == null || !LEVELS.contains(wanted)) {
      throw new ProblemException(Problem.validation("'level' must be one of " + String.join(", ", LEVELS) + "."));
    }
    String before = root().getEffectiveLevel().toString();
    root().setLevel(Level.toLevel(wanted));
    // Said at WARN, so that it is seen at every level but ERROR.
    LOG.warn("Log level changed from {} to {} through the management port", before, wanted);
    ctx.json(new JsonObject().put("level", wanted));
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }
}
