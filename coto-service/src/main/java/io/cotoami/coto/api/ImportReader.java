package io.cotoami.coto.api;

import io.cotoami.common.http.JsonBodies;
import io.cotoami.common.http.Problem;
import io.cotoami.common.http.ProblemException;
import io.cotoami.coto.exchange.ExchangeFormat;
import io.cotoami.coto.exchange.ImportDocument;
import io.cotoami.coto.graph.GraphConfig;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.parsetools.JsonEventType;
import io.vertx.core.parsetools.JsonParser;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and checks a whole document for {@code POST /api/import} before anything is written: the
 * first bad record is refused as a 400 {@code invalid-document} whose {@code pointer} names it
 * ({@code /cotos/17}). Records are parsed one at a time, so the document is never held as one tree.
 * The rules are the API's own: {@link CotoInput}, {@link CotonomaInput}, {@link MemberInput},
 * {@link GraphRoutes#MAX_PHRASE} and the graph's bounds.
 */
final class ImportReader {
  private final GraphConfig limits;
  private String format;
  private Object version;
  private String section;
  private int index;
  private int skipping;
  private final Set<String> seenSections = new HashSet<>();
  private final List<ImportDocument.Cotonoma> cotonomas = new ArrayList<>();
  private final List<ImportDocument.Coto> cotos = new ArrayList<>();
  private final List<ImportDocument.Repost> reposts = new ArrayList<>();
  private final List<ImportDocument.Pin> pins = new ArrayList<>();
  private final List<ImportDocument.Connection> connections = new ArrayList<>();
  private final Set<String> cotonomaKeys = new HashSet<>();
  private final Set<String> announced = new HashSet<>();
  /** Every coto and repost id, with the cotonoma it is posted in (null: home). */
  private final Map<String, String> postedIn = new HashMap<>();
  private final Set<String> originals = new HashSet<>();
  private final Set<String> repostPlaces = new HashSet<>();
  private final Set<String> pinIds = new HashSet<>();
  private final Set<String> pinned = new HashSet<>();
  private final Map<String, Integer> pinsPerStock = new HashMap<>();
  private final Set<String> connectionIds = new HashSet<>();
  private final Set<String> connected = new HashSet<>();
  private final Map<String, Integer> connectionsPerSource = new HashMap<>();

  private ImportReader(GraphConfig limits) {
    this.limits = limits;
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
    return new ImportDocument(cotonomas, cotos, reposts, pins, connections);
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
        throw bad(pointer(), "Each record must be a JSON object.");
      }
      record(record);
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

  private void record(JsonObject r) {
    try {
      switch (section) {
        case ExchangeFormat.COTONOMAS -> cotonoma(r);
        case ExchangeFormat.COTOS -> coto(r);
        case ExchangeFormat.REPOSTS -> repost(r);
        case ExchangeFormat.PINS -> pin(r);
        default -> connection(r);
      }
    } catch (ProblemException e) {
      throw e.problem().pointer() != null ? e : bad(pointer(), e.problem().detail());
    } catch (ClassCastException e) {
      throw bad(pointer(), "A field has the wrong type.");
    }
  }

  private void cotonoma(JsonObject r) {
    String key = id(r, "key");
    if (!cotonomaKeys.add(key)) {
      throw bad(pointer(), "Two cotonomas have the key '" + key + "'.");
    }
    CotonomaInput input = CotonomaInput.from(r);
    String parent = input.parentKey();
    if (parent != null && (parent.equals(key) || !cotonomaKeys.contains(parent))) {
      throw bad(pointer(), "'parentKey' must name a cotonoma earlier in the document.");
    }
    List<String> members = new ArrayList<>();
    JsonArray emails = r.getJsonArray("members");
    if (emails != null) {
      for (Object email : emails) {
        members.add(MemberInput.email(email instanceof String s ? s : null));
      }
    }
    cotonomas.add(new ImportDocument.Cotonoma(key, input.name(), parent, time(r, "createdAt"), List.copyOf(members)));
  }

  private void coto(JsonObject r) {
    String id = id(r, "id");
    if (postedIn.containsKey(id)) {
      throw bad(pointer(), "Two cotos have the id '" + id + "'.");
    }
    CotoInput input = CotoInput.from(r);
    String in = known(input.cotonomaKey(), "cotonomaKey");
    String as = known(JsonBodies.optionalString(r, "asCotonoma"), "asCotonoma");
    if (as != null && !announced.add(as)) {
      throw bad(pointer(), "Two cotos announce the cotonoma '" + as + "'.");
    }
    postedIn.put(id, in);
    originals.add(id);
    cotos.add(new ImportDocument.Coto(id, input.content(), input.summary(), in, as, time(r, "postedAt"),
        time(r, "updatedAt")));
  }

  private void repost(JsonObject r) {
    String id = id(r, "id");
    if (postedIn.containsKey(id)) {
      throw bad(pointer(), "Two cotos have the id '" + id + "'.");
    }
    String of = JsonBodies.optionalString(r, "of");
    if (of == null || !originals.contains(of)) {
      throw bad(pointer(), "'of' must name a coto of the document (not a repost).");
    }
    String in = known(JsonBodies.optionalString(r, "cotonomaKey"), "cotonomaKey");
    if (in == null || in.equals(postedIn.get(of))) {
      throw bad(pointer(), "'cotonomaKey' must name a cotonoma of the document other than the original's.");
    }
    if (!repostPlaces.add(of + " " + in)) {
      throw bad(pointer(), "The coto '" + of + "' is reposted into '" + in + "' twice.");
    }
    postedIn.put(id, in);
    reposts.add(new ImportDocument.Repost(id, of, in, time(r, "postedAt")));
  }

  private void pin(JsonObject r) {
    String id = id(r, "id");
    if (!pinIds.add(id)) {
      throw bad(pointer(), "Two pins have the id '" + id + "'.");
    }
    String stock = known(JsonBodies.optionalString(r, "cotonomaKey"), "cotonomaKey");
    String coto = coto(r, "cotoId");
    if (stock != null && !stock.equals(postedIn.get(coto))) {
      throw bad(pointer(), "'cotoId' must be a coto posted in that cotonoma to be pinned to its stock.");
    }
    if (!pinned.add(stock + " " + coto)) {
      throw bad(pointer(), "The coto '" + coto + "' is pinned to one stock twice.");
    }
    if (pinsPerStock.merge(String.valueOf(stock), 1, Integer::sum) > limits.pinsPerStock()) {
      throw bad(pointer(), "A stock holds at most " + limits.pinsPerStock() + " pins (GRAPH_PINS_PER_STOCK).");
    }
    pins.add(new ImportDocument.Pin(id, stock, coto, position(r)));
  }

  private void connection(JsonObject r) {
    String id = id(r, "id");
    if (!connectionIds.add(id)) {
      throw bad(pointer(), "Two connections have the id '" + id + "'.");
    }
    String source = coto(r, "sourceId");
    String target = coto(r, "targetId");
    if (source.equals(target)) {
      throw bad(pointer(), "A coto cannot be connected to itself.");
    }
    if (!connected.add(source + " " + target)) {
      throw bad(pointer(), "Two connections join '" + source + "' to '" + target + "'.");
    }
    if (connectionsPerSource.merge(source, 1, Integer::sum) > limits.connectionsPerCoto()) {
      throw bad(pointer(), "A coto has at most " + limits.connectionsPerCoto()
          + " connections out of it (GRAPH_CONNECTIONS_PER_COTO).");
    }
    String phrase = JsonBodies.optionalString(r, "linkingPhrase");
    if (phrase != null && (phrase.isBlank() || phrase.codePointCount(0, phrase.length()) > GraphRoutes.MAX_PHRASE)) {
      throw bad(pointer(), "'linkingPhrase' must be 1 to " + GraphRoutes.MAX_PHRASE + " characters.");
    }
    connections.add(new ImportDocument.Connection(id, source, target, phrase, position(r)));
  }

  private String pointer() {
    return "/" + section + "/" + index;
  }

  private String id(JsonObject r, String field) {
    String id = JsonBodies.optionalString(r, field);
    if (id == null || id.isBlank() || id.length() > ExchangeFormat.MAX_ID) {
      throw bad(pointer(), "'" + field + "' is required: 1 to " + ExchangeFormat.MAX_ID + " characters.");
    }
    return id;
  }

  /** A cotonoma key of the document, or null. */
  private String known(String key, String field) {
    if (key == null || key.isBlank()) {
      return null;
    }
    if (!cotonomaKeys.contains(key)) {
      throw bad(pointer(), "'" + field + "' must name a cotonoma of the document.");
    }
    return key;
  }

  /** A coto (or repost) of the document. */
  private String coto(JsonObject r, String field) {
    String id = JsonBodies.optionalString(r, field);
    if (id == null || !postedIn.containsKey(id)) {
      throw bad(pointer(), "'" + field + "' must name a coto of the document.");
    }
    return id;
  }

  private int position(JsonObject r) {
    Object position = r.getValue("position");
    if (position == null) {
      return index;
    }
    if (!(position instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || Math.abs(n.doubleValue()) > 1e9) {
      throw bad(pointer(), "'position' must be an integer.");
    }
    return n.intValue();
  }

  private OffsetDateTime time(JsonObject r, String field) {
    String value = JsonBodies.optionalString(r, field);
    if (value == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(value);
    } catch (DateTimeParseException e) {
      throw bad(pointer(), "'" + field + "' must be an RFC 3339 timestamp.");
    }
  }

  static ProblemException bad(String pointer, String detail) {
    return new ProblemException(Problem.of(400, "invalid-document", "Invalid document", detail).at(pointer));
  }
}
