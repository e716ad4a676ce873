package io.cotoami.coto.api;

import io.cotoami.common.http.JsonBodies;
import io.cotoami.common.http.ProblemException;
import io.cotoami.coto.exchange.ExchangeFormat;
import io.cotoami.coto.exchange.ImportDocument;
import io.cotoami.coto.graph.GraphConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The records of a document to import, checked one at a time in the document's order, each against
 * those before it: no two share an id, every reference names an earlier record, and the graph's
 * bounds hold. The rules are the API's own: {@link CotoInput}, {@link CotonomaInput},
 * {@link MemberInput}, {@link GraphRoutes#MAX_PHRASE} and the graph's bounds. A bad record is a 400
 * {@code invalid-document} whose {@code pointer} names it ({@code /cotos/17}).
 */
final class ImportRecords {
  private final GraphConfig limits;
  private String section;
  private int index;
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

  ImportRecords(GraphConfig limits) {
    this.limits = limits;
  }

  /** Checks and keeps record {@code index} of {@code section} (one of {@link ExchangeFormat}'s sections). */
  void add(String section, int index, JsonObject r) {
    this.section = section;
    this.index = index;
    try {
      switch (section) {
        case ExchangeFormat.COTONOMAS -> cotonoma(r);
        case ExchangeFormat.COTOS -> coto(r);
        case ExchangeFormat.REPOSTS -> repost(r);
        case ExchangeFormat.PINS -> pin(r);
        default -> connection(r);
      }
    } catch (ProblemException e) {
      throw e.problem().pointer() != null ? e : bad(e.problem().detail());
    } catch (ClassCastException e) {
      throw bad("A field has the wrong type.");
    }
  }

  /** All the records kept, in the document's order. */
  ImportDocument document() {
    return new ImportDocument(cotonomas, cotos, reposts, pins, connections);
  }

  private void cotonoma(JsonObject r) {
    String key = id(r, "key");
    if (!cotonomaKeys.add(key)) {
      throw bad("Two cotonomas have the key '" + key + "'.");
    }
    CotonomaInput input = CotonomaInput.from(r);
    String parent = input.parentKey();
    if (parent != null && (parent.equals(key) || !cotonomaKeys.contains(parent))) {
      throw bad("'parentKey' must name a cotonoma earlier in the document.");
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
      throw bad("Two cotos have the id '" + id + "'.");
    }
    CotoInput input = CotoInput.from(r);
    String in = known(input.cotonomaKey(), "cotonomaKey");
    String as = known(JsonBodies.optionalString(r, "asCotonoma"), "asCotonoma");
    if (as != null && !announced.add(as)) {
      throw bad("Two cotos announce the cotonoma '" + as + "'.");
    }
    postedIn.put(id, in);
    originals.add(id);
    cotos.add(new ImportDocument.Coto(id, input.content(), input.summary(), in, as, time(r, "postedAt"),
        time(r, "updatedAt")));
  }

  private void repost(JsonObject r) {
    String id = id(r, "id");
    if (postedIn.containsKey(id)) {
      throw bad("Two cotos have the id '" + id + "'.");
    }
    String of = JsonBodies.optionalString(r, "of");
    if (of == null || !originals.contains(of)) {
      throw bad("'of' must name a coto of the document (not a repost).");
    }
    String in = known(JsonBodies.optionalString(r, "cotonomaKey"), "cotonomaKey");
    if (in == null || in.equals(postedIn.get(of))) {
      throw bad("'cotonomaKey' must name a cotonoma of the document other than the original's.");
    }
    if (!repostPlaces.add(of + " " + in)) {
      throw bad("The coto '" + of + "' is reposted into '" + in + "' twice.");
    }
    postedIn.put(id, in);
    reposts.add(new ImportDocument.Repost(id, of, in, time(r, "postedAt")));
  }

  private void pin(JsonObject r) {
    String id = id(r, "id");
    if (!pinIds.add(id)) {
      throw bad("Two pins have the id '" + id + "'.");
    }
    String stock = known(JsonBodies.optionalString(r, "cotonomaKey"), "cotonomaKey");
    String coto = coto(r, "cotoId");
    if (stock != null && !stock.equals(postedIn.get(coto))) {
      throw bad("'cotoId' must be a coto posted in that cotonoma to be pinned to its stock.");
    }
    if (!pinned.add(stock + " " + coto)) {
      throw bad("The coto '" + coto + "' is pinned to one stock twice.");
    }
    if (pinsPerStock.merge(String.valueOf(stock), 1, Integer::sum) > limits.pinsPerStock()) {
      throw bad("A stock holds at most " + limits.pinsPerStock() + " pins (GRAPH_PINS_PER_STOCK).");
    }
    pins.add(new ImportDocument.Pin(id, stock, coto, position(r)));
  }

  private void connection(JsonObject r) {
    String id = id(r, "id");
    if (!connectionIds.add(id)) {
      throw bad("Two connections have the id '" + id + "'.");
    }
    String source = coto(r, "sourceId");
    String target = coto(r, "targetId");
    if (source.equals(target)) {
      throw bad("A coto cannot be connected to itself.");
    }
    if (!connected.add(source + " " + target)) {
      throw bad("Two connections join '" + source + "' to '" + target + "'.");
    }
    if (connectionsPerSource.merge(source, 1, Integer::sum) > limits.connectionsPerCoto()) {
      throw bad("A coto has at most " + limits.connectionsPerCoto()
          + " connections out of it (GRAPH_CONNECTIONS_PER_COTO).");
    }
    String phrase = JsonBodies.optionalString(r, "linkingPhrase");
    if (phrase != null && (phrase.isBlank() || phrase.codePointCount(0, phrase.length()) > GraphRoutes.MAX_PHRASE)) {
      throw bad("'linkingPhrase' must be 1 to " + GraphRoutes.MAX_PHRASE + " characters.");
    }
    connections.add(new ImportDocument.Connection(id, source, target, phrase, position(r)));
  }

  private String id(JsonObject r, String field) {
    String id = JsonBodies.optionalString(r, field);
    if (id == null || id.isBlank() || id.length() > ExchangeFormat.MAX_ID) {
      throw bad("'" + field + "' is required: 1 to " + ExchangeFormat.MAX_ID + " characters.");
    }
    return id;
  }

  /** A cotonoma key of the document, or null. */
  private String known(String key, String field) {
    if (key == null || key.isBlank()) {
      return null;
    }
    if (!cotonomaKeys.contains(key)) {
      throw bad("'" + field + "' must name a cotonoma of the document.");
    }
    return key;
  }

  /** A coto (or repost) of the document. */
  private String coto(JsonObject r, String field) {
    String id = JsonBodies.optionalString(r, field);
    if (id == null || !postedIn.containsKey(id)) {
      throw bad("'" + field + "' must name a coto of the document.");
    }
    return id;
  }

  private int position(JsonObject r) {
    Object position = r.getValue("position");
    if (position == null) {
      return index;
    }
    if (!(position instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || Math.abs(n.doubleValue()) > 1e9) {
      throw bad("'position' must be an integer.");
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
      throw bad("'" + field + "' must be an RFC 3339 timestamp.");
    }
  }

  /** A 400 invalid-document at the record being checked. */
  private ProblemException bad(String detail) {
    return ImportReader.bad("/" + section + "/" + index, detail);
  }
}
