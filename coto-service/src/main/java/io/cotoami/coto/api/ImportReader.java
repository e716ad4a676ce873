package io.cotoami.coto.api;

import io.cotoami.common.http.Problem;
import io.cotoami.common.http.ProblemException;
import io.cotoami.coto.exchange.ExchangeFormat;
import io.cotoami.coto.exchange.ImportDocument;
import io.cotoami.coto.graph.GraphConfig;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.parsetools.JsonEventType;
import io.vertx.core.parsetools.JsonParser;
import java.util.HashSet;
import java.util.Set;

/**
 * Reads and checks a whole document for {@code POST /api/import} before anything is written: the
 * first bad record is refused as a 400 {@code invalid-document} whose {@code pointer} names it
 * ({@code /cotos/17}). Records are parsed one at a time, so the document is never held as one tree;
 * this class reads the document's shape ({@code format}, {@code version}, its sections) and gives
 * each record to {@link ImportRecords}, which checks it.
 */
final class ImportReader {
  private final ImportRecords records;
  private String format;
  private Object version;
  private String section;
  private int index;
  private int skipping;
  private final Set<String> seenSections = new HashSet<>();

  private ImportReader(GraphConfig limits) {
    this.records = new ImportRecords(limits);
  }

  /** The document, checked; or a {@link ProblemException} naming what is wrong and where. Blocking: run off the event loop. */
  static ImportDocument read(Buffer body, GraphConfig limits) {
    return new ImportReader(limits).parse(body);
  }

  private ImportDocument parse(Buffer body) {
    JsonParser parser = JsonParser.newParser();
    int[] depth = {0};
    RuntimeException[] failed = {null};
    parser.exceptionHandler(e -> {
      if (failed[0] == null) {
        failed[0] = e instanceof RuntimeException r ? r : new DecodeException(String.valueOf(e));
      }
    });
    parser.handler(event -> {
      if (failed[0] != null) {
        return;
      }
      try {
        onEvent(parser, event.type(), event.fieldName(), event.value(), depth);
      } catch (RuntimeException e) {
        failed[0] = e;
        parser.pause();
      }
    });
    try {
      parser.handle(body);
      if (failed[0] == null) {
        parser.end();
      }
    } catch (DecodeException e) {
      failed[0] = e;
    }
    if (failed[0] instanceof ProblemException problem) {
      throw problem;
    }
    if (failed[0] != null) {
      throw bad(section == null ? "" : "/" + section + "/" + index,
          "The document is not valid JSON" + (section == null ? "." : ", from this record on."));
    }
    if (!ExchangeFormat.FORMAT.equals(format)) {
      throw bad("/format", "'format' must be \"" + ExchangeFormat.FORMAT + "\": this is not a Cotoami export.");
    }
    if (!(version instanceof Number number) || number.intValue() != ExchangeFormat.VERSION
        || number.doubleValue() != ExchangeFormat.VERSION) {
      throw bad("/version", "'version' must be " + ExchangeFormat.VERSION + ", the version this server reads.");
    }
    return records.document();
  }

  private void onEvent(JsonParser parser, JsonEventType type, String field, Object value, int[] depth) {
    if (depth[0] == 0) {
      if (type != JsonEventType.START_OBJECT) {
        throw bad("", "The document must be a JSON object.");
      }
      depth[0] = 1;
      return;
    }
    if (skipping > 0) {
      if (type == JsonEventType.START_OBJECT || type == JsonEventType.START_ARRAY) {
        skipping++;
      } else if (type == JsonEventType.END_OBJECT || type == JsonEventType.END_ARRAY) {
        skipping--;
      }
      return;
    }
    if (section != null) {
      // Inside a section: each record arrives whole (object value mode).
      if (type == JsonEventType.END_ARRAY) {
        parser.objectEventMode();
        section = null;
        return;
      }
      if (type != JsonEventType.VALUE || !(value instanceof JsonObject record)) {
        throw bad("/" + section + "/" + index, "Each record must be a JSON object.");
      }
      records.add(section, index, record);
      index++;
      return;
    }
    if (type == JsonEventType.END_OBJECT) {
      depth[0] = 0;
      return;
    }
    if (type == JsonEventType.START_ARRAY && isSection(field)) {
      if (!seenSections.add(field)) {
        throw bad("/" + field, "'" + field + "' appears twice.");
      }
      section = field;
      index = 0;
      parser.objectValueMode();
      return;
    }
    if (isSection(field)) {
      throw bad("/" + field, "'" + field + "' must be an array.");
    }
    if (type == JsonEventType.START_OBJECT || type == JsonEventType.START_ARRAY) {
      // A structure this version does not know (exportedAt and the like are plain values): skipped whole.
      skipping = 1;
      return;
    }
    if ("format".equals(field)) {
      format = value instanceof String s ? s : null;
    } else if ("version".equals(field)) {
      version = value;
    }
  }

  private static boolean isSection(String field) {
    return ExchangeFormat.COTONOMAS.equals(field) || ExchangeFormat.COTOS.equals(field)
        || ExchangeFormat.REPOSTS.equals(field) || ExchangeFormat.PINS.equals(field)
        || ExchangeFormat.CONNECTIONS.equals(field);
  }

  static ProblemException bad(String pointer, String detail) {
    return new ProblemException(Problem.of(400, "invalid-document", "Invalid document", detail).at(pointer));
  }
}
