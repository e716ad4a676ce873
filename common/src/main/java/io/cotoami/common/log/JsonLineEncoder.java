package io.cotoami.common.log;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.slf4j.event.KeyValuePair;

/**
 * One JSON object per line with the service, the instance and (when known) the request id, so logs
 * of every process can be merged and followed by request. {@code LOG_FORMAT=text} gives a
 * human-readable line instead, for a terminal.
 */
public final class JsonLineEncoder extends EncoderBase<ILoggingEvent> {
  private final boolean text = "text".equalsIgnoreCase(System.getProperty("cotoami.log.format", System.getenv("LOG_FORMAT")));

  @Override
  public byte[] headerBytes() {
    return null;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    JsonObject line = new JsonObject()
        .put("ts", Instant.ofEpochMilli(event.getTimeStamp()).toString())
        .put("level", event.getLevel().toString())
        .put("service", LogContext.service())
        .put("instance", LogContext.instance())
        .put("logger", event.getLoggerName())
        .put("thread", event.getThreadName())
        .put("msg", event.getFormattedMessage());
    Map<String, String> mdc = event.getMDCPropertyMap();
    if (mdc != null) {
      mdc.forEach(line::put);
    }
    if (event.getKeyValuePairs() != null) {
      for (KeyValuePair pair : event.getKeyValuePairs()) {
        line.put(pair.key, pair.value == null ? null : String.valueOf(pair.value));
      }
    }
    IThrowableProxy error = event.getThrowableProxy();
    if (error != null) {
      line.put("error", ThrowableProxyUtil.asString(error));
    }
    String out = text ? asText(line) : line.encode();
    return (out + "\n").getBytes(StandardCharsets.UTF_8);
  }

  private static String asText(JsonObject line) {
    StringBuilder sb = new StringBuilder()
        .append(line.getString("ts")).append(' ')
        .append(String.format("%-5s", line.getString("level"))).append(' ')
        .append(shortLogger(line.getString("logger"))).append(" - ")
        .append(line.getString("msg"));
    String requestId = line.getString("requestId");
    if (requestId != null) {
      sb.append(" [requestId=").append(requestId).append(']');
    }
    String error = line.getString("error");
    if (error != null) {
      sb.append('\n').append(error);
    }
    return sb.toString();
  }

  private static String shortLogger(String name) {
    int dot = name == null ? -1 : name.lastIndexOf('.');
    return dot < 0 ? String.valueOf(name) : name.substring(dot + 1);
  }

  @Override
  public byte[] footerBytes() {
    return null;
  }
}
