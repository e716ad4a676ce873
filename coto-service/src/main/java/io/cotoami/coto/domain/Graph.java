package io.cotoami.coto.domain;

import io.cotoami.common.bus.TimelineEventType;
import io.cotoami.common.http.Problem;
import io.cotoami.common.http.ProblemException;
import io.cotoami.coto.graph.GraphConfig;
import io.cotoami.coto.store.Connection;
import io.cotoami.coto.store.Coto;
import io.cotoami.coto.store.CotoRepository;
import io.cotoami.coto.store.Cotonoma;
import io.cotoami.coto.store.CotonomaRepository;
import io.cotoami.coto.store.Db;
import io.cotoami.coto.store.GraphRepository;
import io.cotoami.coto.store.Pin;
import io.cotoami.coto.store.TimelineEvent;
import io.cotoami.coto.store.TimelineEventRepository;
import io.cotoami.coto.store.Timelines;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Pins and connections: what a signed-in person does with the graph, and who may do it.
 *
 * <ul>
 *   <li>Whoever may open a cotonoma pins its cotos to its stock and reorders that stock; anyone pins the
 *       cotos they may read to their home. A pin is removed by who pinned it or the cotonoma's owner.</li>
 *   <li>Whoever may read two cotos connects them. A connection is removed, relabeled or reordered by its
 *       author or by who manages the source coto's cotonoma.</li>
 *   <li>Events go to the actor's home, and to a cotonoma's timeline only when every coto they name is in
 *       that cotonoma, so no timeline learns of a coto (or a phrase about one) its readers cannot read.</li>
 * </ul>
 */
public final class Graph {
  private final Db db;
  private final GraphRepository graph;
  private final CotoRepository cotos;
  private final CotonomaRepository cotonomas;
  private final TimelineEventRepository events;
  private final EventPublisher publisher;
  private final GraphConfig limits;

  public Graph(Db db, GraphRepository graph, CotoRepository cotos, CotonomaRepository cotonomas,
      TimelineEventRepository events, EventPublisher publisher, GraphConfig limits) {
    this.db = db;
    this.graph = graph;
    this.cotos = cotos;
    this.cotonomas = cotonomas;
    this.events = events;
    this.publisher = publisher;
    this.limits = limits;
  }

  public GraphConfig limits() {
    return limits;
  }

  /** Pins a coto to a cotonoma's stock (a coto posted in it) or, without a key, to the caller's home. */
  public Future<Pin> pin(Caller caller, UUID cotoId, String cotonomaKey, String clientId, String requestId) {
    String stock = stock(caller, cotonomaKey);
    return publisher.commit(db, conn -> openStock(conn, caller, cotonomaKey)
            .compose(n -> readable(conn, caller, cotoId, "coto"))
            .compose(coto -> {
              if (cotonomaKey != null && !cotonomaKey.equals(coto.cotonomaKey())) {
                throw invalid("'cotoId' must be a coto posted in that cotonoma to be pinned to its stock.");
              }
              return graph.lock(conn, stock).compose(v -> graph.pinCount(conn, stock));
            })
            .compose(count -> {
              if (count >= limits.pinsPerStock()) {
                throw limit("A stock holds at most " + limits.pinsPerStock() + " pins (GRAPH_PINS_PER_STOCK).");
              }
              return graph.pin(conn, stock, cotoId, caller.userId(), clientId);
            })
            .compose(pin -> events.append(conn, TimelineEventType.COTO_PINNED,
                new JsonObject().put("pin", pin.toJson()), List.of(stock)).map(written -> new Change<>(pin, written))),
            requestId)
        .recover(e -> "23503".equals(Db.sqlState(e)) ? Future.failedFuture(DomainProblems.notFound("coto"))
            : !"23505".equals(Db.sqlState(e)) ? Future.failedFuture(e)
            : clientId == null ? Future.failedFuture(conflict("already-pinned", "This coto is pinned there already."))
            : db.read(conn -> graph.pinByClientId(conn, caller.userId(), clientId)).compose(existing ->
                existing == null ? Future.failedFuture(conflict("already-pinned", "This coto is pinned there already."))
                    : Future.succeededFuture(existing)));
  }

  public Future<Void> unpin(Caller caller, UUID pinId, String requestId) {
    return publisher.commit(db, conn -> graph.findPin(conn, pinId)
        .compose(pin -> pin == null ? Future.failedFuture(DomainProblems.notFound("pin"))
            : stockRights(conn, caller, pin.stock()).compose(managed -> {
              if (!managed && !pin.authorId().equals(caller.userId())) {
                throw DomainProblems.forbidden("Only who pinned it or the cotonoma's owner can unpin a coto.");
              }
              return graph.unpin(conn, pinId).compose(v -> unpinned(conn, pin));
            }))
        .map(written -> new Change<Void>(null, written)), requestId);
  }

  /** Puts a stock's pins in the given order: {@code pinIds} names each of them exactly once. */
  public Future<List<Pin>> reorderPins(Caller caller, String cotonomaKey, List<UUID> pinIds, String requestId) {
    String stock = stock(caller, cotonomaKey);
    return publisher.commit(db, conn -> openStock(conn, caller, cotonomaKey)
        .compose(n -> graph.lock(conn, stock))
        .compose(v -> graph.pins(conn, stock))
        .compose(pins -> {
          requireSameSet(pins.stream().map(Pin::id).toList(), pinIds, "pinIds");
          return graph.pinPositions(conn, pinIds);
        })
        .compose(v -> graph.pins(conn, stock))
        .compose(pins -> events.append(conn, TimelineEventType.PINS_REORDERED, new JsonObject().put("stock", stock)
            .put("pinIds", ids(pinIds)), List.of(stock)).map(written -> new Change<>(pins, written))), requestId);
  }

  /** Connects two cotos the caller may read; with a {@code clientId} used already, answers that connection. */
  public Future<Connection> connect(Caller caller, UUID sourceId, UUID targetId, String phrase, String clientId,
      String requestId) {
    if (sourceId.equals(targetId)) {
      return Future.failedFuture(invalid("'targetId' must be another coto than 'sourceId'."));
    }
    return publisher.commit(db, conn -> readable(conn, caller, sourceId, "coto")
            .compose(source -> readable(conn, caller, targetId, "coto").compose(target ->
                graph.lock(conn, "connections:" + sourceId)
                    .compose(v -> graph.connectionCount(conn, sourceId))
                    .compose(count -> {
                      if (count >= limits.connectionsPerCoto()) {
                        throw limit("A coto has at most " + limits.connectionsPerCoto()
                            + " connections out of it (GRAPH_CONNECTIONS_PER_COTO).");
                      }
                      return graph.connect(conn, sourceId, targetId, caller.userId(), phrase, clientId);
                    })
                    .compose(made -> events.append(conn, TimelineEventType.COTO_CONNECTED,
                        new JsonObject().put("connection", made.toJson()), timelines(caller.userId(), source, target))
                        .map(written -> new Change<>(made, written))))),
            requestId)
        .recover(e -> "23503".equals(Db.sqlState(e)) ? Future.failedFuture(DomainProblems.notFound("coto"))
            : !"23505".equals(Db.sqlState(e)) ? Future.failedFuture(e)
            : clientId == null ? Future.failedFuture(alreadyConnected())
            : db.read(conn -> graph.connectionByClientId(conn, caller.userId(), clientId)).compose(existing ->
                existing == null ? Future.failedFuture(alreadyConnected()) : Future.succeededFuture(existing)));
  }

  public Future<Void> disconnect(Caller caller, UUID id, String requestId) {
    return publisher.commit(db, conn -> editable(conn, caller, id)
        .compose(found -> graph.disconnect(conn, id)
            .compose(v -> events.append(conn, TimelineEventType.COTO_DISCONNECTED, disconnected(found.connection()),
                timelines(caller.userId(), found.source(), found.target()))))
        .map(written -> new Change<Void>(null, written)), requestId);
  }

  public Future<Connection> relabel(Caller caller, UUID id, String phrase, String requestId) {
    return publisher.commit(db, conn -> editable(conn, caller, id)
        .compose(found -> graph.relabel(conn, id, phrase)
            .compose(made -> events.append(conn, TimelineEventType.CONNECTION_RELABELED,
                new JsonObject().put("connection", made.toJson()),
                timelines(caller.userId(), found.source(), found.target())).map(written -> new Change<>(made, written)))),
        requestId);
  }

  /** Orders the connections out of a coto: {@code connectionIds} names each exactly once, all of them the caller's to edit. */
  public Future<List<Connection>> reorderConnections(Caller caller, UUID sourceId, List<UUID> connectionIds,
      String requestId) {
    return publisher.commit(db, conn -> readable(conn, caller, sourceId, "coto")
        .compose(source -> graph.lock(conn, "connections:" + sourceId)
            .compose(v -> graph.outgoing(conn, sourceId))
            .compose(out -> {
              requireSameSet(out.stream().map(Connection::id).toList(), connectionIds, "connectionIds");
              return manages(conn, caller, source).compose(managed -> {
                if (!managed && out.stream().anyMatch(c -> !c.authorId().equals(caller.userId()))) {
                  throw DomainProblems.forbidden("Only the author of each connection or the cotonoma's owner can reorder them.");
                }
                return targetsOf(conn, out);
              });
            })
            .compose(targets -> graph.connectionPositions(conn, connectionIds)
                .compose(v -> graph.outgoing(conn, sourceId))
                .compose(out -> events.append(conn, TimelineEventType.CONNECTIONS_REORDERED,
                    new JsonObject().put("sourceId", sourceId.toString()).put("connectionIds", ids(connectionIds)),
                    timelines(caller.userId(), source, targets)).map(written -> new Change<>(out, written))))),
        requestId);
  }

  /**
   * The events of what deleting {@code coto} removes with it (its pins and connections, which the
   * database deletes by cascade): called in the deleting transaction, before the delete.
   */
  Future<List<TimelineEvent>> removalsOf(SqlConnection conn, UUID actorId, Coto coto) {
    List<TimelineEvent> written = new ArrayList<>();
    Future<Void> chain = graph.pinsOf(conn, coto.id()).compose(pins -> {
      Future<Void> each = Future.succeededFuture();
      for (Pin pin : pins) {
        each = each.compose(v -> unpinned(conn, pin).map(written::addAll).mapEmpty());
      }
      return each;
    });
    return chain.compose(v -> graph.touching(conn, coto.id())).compose(touching -> {
      Future<Void> each = Future.succeededFuture();
      for (Connection connection : touching) {
        UUID other = connection.sourceId().equals(coto.id()) ? connection.targetId() : connection.sourceId();
        each = each.compose(v -> cotos.find(conn, other, false)).compose(otherCoto ->
            events.append(conn, TimelineEventType.COTO_DISCONNECTED, disconnected(connection),
                timelines(actorId, coto, otherCoto)).map(written::addAll).mapEmpty());
      }
      return each;
    }).map(v -> written);
  }

  /** As {@link #removalsOf} for the coto announcing a cotonoma about to be deleted (none: no events). */
  Future<List<TimelineEvent>> removalsOfAnnouncing(SqlConnection conn, UUID actorId, String cotonomaKey) {
    return graph.announcing(conn, cotonomaKey)
        .compose(coto -> coto == null ? Future.succeededFuture(List.of()) : removalsOf(conn, actorId, coto));
  }

  /** The stock as pins and what they lead to within {@code depth} connections, only what the caller may read. */
  public Future<JsonObject> stock(Caller caller, String cotonomaKey, int depth) {
    String stock = stock(caller, cotonomaKey);
    return db.read(conn -> openStock(conn, caller, cotonomaKey)
        // One more than the bound: whether the answer was cut short, said as `truncated`.
        .compose(n -> graph.reachable(conn, stock, depth, limits.maxNodes() + 1))
        .compose(reached -> readableAmong(conn, caller, atMost(reached, limits.maxNodes()))
            .compose(seen -> graph.pins(conn, stock).compose(pins -> graph.among(conn, new ArrayList<>(seen.keySet()))
                .map(connections -> tree(stock, depth, pins, seen, connections)
                    .put("truncated", reached.size() > limits.maxNodes()))))));
  }

  /** One coto with the connections into and out of it whose other end the caller may read. */
  public Future<JsonObject> neighbourhood(Caller caller, UUID cotoId) {
    return db.read(conn -> readable(conn, caller, cotoId, "coto")
        .compose(coto -> graph.outgoing(conn, cotoId).compose(out -> graph.incoming(conn, cotoId, limits.maxNodes())
            .compose(in -> {
              List<UUID> others = new ArrayList<>();
              out.forEach(c -> others.add(c.targetId()));
              in.forEach(c -> others.add(c.sourceId()));
              return readableAmong(conn, caller, others).map(seen -> new JsonObject()
                  .put("coto", coto.toJson())
                  .put("outgoing", ends(out, seen, true))
                  .put("incoming", ends(in, seen, false)));
            }))));
  }

  /** The connections between cotos of one cotonoma the caller may open, and those cotos. */
  public Future<JsonObject> subgraph(Caller caller, String cotonomaKey) {
    return db.read(conn -> openStock(conn, caller, cotonomaKey)
        .compose(n -> graph.inCotonoma(conn, cotonomaKey, limits.maxNodes() + 1))
        .compose(read -> {
          boolean truncated = read.size() > limits.maxNodes();
          List<Connection> connections = atMost(read, limits.maxNodes());
          Set<UUID> ids = new HashSet<>();
          connections.forEach(c -> {
            ids.add(c.sourceId());
            ids.add(c.targetId());
          });
          return graph.cotos(conn, new ArrayList<>(ids)).map(found -> {
            JsonArray cotoList = new JsonArray();
            found.forEach(c -> cotoList.add(c.toJson()));
            JsonArray connectionList = new JsonArray();
            connections.forEach(c -> connectionList.add(c.toJson()));
            return new JsonObject().put("cotonomaKey", cotonomaKey).put("cotos", cotoList)
                .put("connections", connectionList).put("truncated", truncated);
          });
        }));
  }

  /** The first {@code max} of {@code list} (read with one more, to tell whether there were more). */
  private static <T> List<T> atMost(List<T> list, int max) {
    return list.size() > max ? list.subList(0, max) : list;
  }

  private static JsonObject tree(String stock, int depth, List<Pin> pins, Map<UUID, Coto> seen,
      List<Connection> connections) {
    // Only what is reached from a pin through cotos the caller may read.
    Map<UUID, List<Connection>> out = new HashMap<>();
    connections.forEach(c -> out.computeIfAbsent(c.sourceId(), k -> new ArrayList<>()).add(c));
    Set<UUID> reached = new HashSet<>();
    List<UUID> frontier = new ArrayList<>();
    JsonArray pinList = new JsonArray();
    for (Pin pin : pins) {
      if (seen.containsKey(pin.cotoId())) {
        pinList.add(pin.toJson());
        if (reached.add(pin.cotoId())) {
          frontier.add(pin.cotoId());
        }
      }
    }
    JsonArray connectionList = new JsonArray();
    for (int level = 0; level < depth && !frontier.isEmpty(); level++) {
      List<UUID> next = new ArrayList<>();
      for (UUID id : frontier) {
        for (Connection c : out.getOrDefault(id, List.of())) {
          connectionList.add(c.toJson());
          if (reached.add(c.targetId())) {
            next.add(c.targetId());
          }
        }
      }
      frontier = next;
    }
    JsonArray cotoList = new JsonArray();
    seen.values().stream().filter(c -> reached.contains(c.id())).forEach(c -> cotoList.add(c.toJson()));
    return new JsonObject().put("stock", stock).put("depth", depth).put("pins", pinList).put("cotos", cotoList)
        .put("connections", connectionList);
  }

  private static JsonArray ends(List<Connection> connections, Map<UUID, Coto> seen, boolean outgoing) {
    JsonArray list = new JsonArray();
    for (Connection c : connections) {
      Coto other = seen.get(outgoing ? c.targetId() : c.sourceId());
      if (other != null) {
        list.add(new JsonObject().put("connection", c.toJson()).put("coto", other.toJson()));
      }
    }
    return list;
  }

  /** The cotos among {@code ids} the caller may read, in the order given. */
  private Future<Map<UUID, Coto>> readableAmong(SqlConnection conn, Caller caller, List<UUID> ids) {
    return graph.cotos(conn, ids).compose(found -> {
      Map<String, Boolean> open = new HashMap<>();
      Future<Void> chain = Future.succeededFuture();
      for (Coto coto : found) {
        String key = coto.cotonomaKey();
        if (key != null && !coto.authorId().equals(caller.userId())) {
          chain = chain.compose(v -> open.containsKey(key) ? Future.succeededFuture()
              : cotonomas.find(conn, key, caller.userId(), caller.email(), "")
                  .map(n -> {
                    open.put(key, n != null && n.allowed());
                    return null;
                  }));
        }
      }
      return chain.map(v -> {
        Map<UUID, Coto> byId = new HashMap<>();
        found.forEach(c -> byId.put(c.id(), c));
        Map<UUID, Coto> seen = new LinkedHashMap<>();
        for (UUID id : ids) {
          Coto c = byId.get(id);
          if (c != null && (c.cotonomaKey() == null ? c.authorId().equals(caller.userId())
              : c.authorId().equals(caller.userId()) || open.get(c.cotonomaKey()))) {
            seen.put(id, c);
          }
        }
        return seen;
      });
    });
  }

  private record Editable(Connection connection, Coto source, Coto target) {
  }

  /** A connection the caller may remove or relabel: 404 when they cannot read both ends, 403 when not theirs. */
  private Future<Editable> editable(SqlConnection conn, Caller caller, UUID id) {
    return graph.findConnection(conn, id).compose(c -> {
      if (c == null) {
        throw DomainProblems.notFound("connection");
      }
      return readable(conn, caller, c.sourceId(), "connection")
          .compose(source -> readable(conn, caller, c.targetId(), "connection")
              .compose(target -> manages(conn, caller, source).map(managed -> {
                if (!managed && !c.authorId().equals(caller.userId())) {
                  throw DomainProblems.forbidden("Only its author or the cotonoma's owner can change a connection.");
                }
                return new Editable(c, source, target);
              })));
    });
  }

  /** Whether the caller manages the cotonoma the coto is in (false outside cotonomas). */
  private Future<Boolean> manages(SqlConnection conn, Caller caller, Coto coto) {
    if (coto.cotonomaKey() == null) {
      return Future.succeededFuture(false);
    }
    return cotonomas.find(conn, coto.cotonomaKey(), caller.userId(), caller.email(), "")
        .map(n -> n != null && n.managed());
  }

  /** A coto the caller may read, else 404 (naming {@code what}). */
  private Future<Coto> readable(SqlConnection conn, Caller caller, UUID id, String what) {
    return cotos.find(conn, id, false).compose(coto -> {
      if (coto == null) {
        throw DomainProblems.notFound(what);
      }
      if (coto.authorId().equals(caller.userId())) {
        return Future.succeededFuture(coto);
      }
      if (coto.cotonomaKey() == null) {
        throw DomainProblems.notFound(what);
      }
      return cotonomas.find(conn, coto.cotonomaKey(), caller.userId(), caller.email(), "").map(n -> {
        if (n == null || !n.allowed()) {
          throw DomainProblems.notFound(what);
        }
        return coto;
      });
    });
  }

  /** The cotonoma (null for home) when the caller may open it, locked against deletion; else 404. */
  private Future<Cotonoma> openStock(SqlConnection conn, Caller caller, String cotonomaKey) {
    if (cotonomaKey == null) {
      return Future.succeededFuture();
    }
    return cotonomas.find(conn, cotonomaKey, caller.userId(), caller.email(), "FOR SHARE").map(n -> {
      if (n == null || !n.allowed()) {
        throw DomainProblems.notFound("cotonoma");
      }
      return n;
    });
  }

  /** Whether the caller manages a stock (owns the cotonoma); 404 when it is not theirs to see. */
  private Future<Boolean> stockRights(SqlConnection conn, Caller caller, String stock) {
    if (stock.equals(Timelines.home(caller.userId()))) {
      return Future.succeededFuture(true);
    }
    String prefix = Timelines.cotonoma("");
    if (!stock.startsWith(prefix)) {
      return Future.failedFuture(DomainProblems.notFound("pin"));
    }
    return cotonomas.find(conn, stock.substring(prefix.length()), caller.userId(), caller.email(), "FOR SHARE")
        .map(n -> {
          if (n == null || !n.allowed()) {
            throw DomainProblems.notFound("pin");
          }
          return n.managed();
        });
  }

  private Future<List<Coto>> targetsOf(SqlConnection conn, List<Connection> connections) {
    return graph.cotos(conn, connections.stream().map(Connection::targetId).toList());
  }

  private Future<List<TimelineEvent>> unpinned(SqlConnection conn, Pin pin) {
    return events.append(conn, TimelineEventType.COTO_UNPINNED, new JsonObject().put("pinId", pin.id().toString())
        .put("cotoId", pin.cotoId().toString()).put("stock", pin.stock()), List.of(pin.stock()));
  }

  private static String stock(Caller caller, String cotonomaKey) {
    return cotonomaKey == null ? Timelines.home(caller.userId()) : Timelines.cotonoma(cotonomaKey);
  }

  /** The actor's home, and the cotonoma every one of the cotos is in, if they share one. */
  static List<String> timelines(UUID actorId, Coto first, Coto... others) {
    return timelines(actorId, first, List.of(others));
  }

  static List<String> timelines(UUID actorId, Coto first, List<Coto> others) {
    List<String> timelines = new ArrayList<>(List.of(Timelines.home(actorId)));
    String key = first.cotonomaKey();
    boolean shared = key != null && others.stream().allMatch(c -> c != null && key.equals(c.cotonomaKey()));
    if (shared) {
      timelines.add(Timelines.cotonoma(key));
    }
    return timelines;
  }

  private static JsonObject disconnected(Connection c) {
    return new JsonObject().put("connectionId", c.id().toString()).put("sourceId", c.sourceId().toString())
        .put("targetId", c.targetId().toString());
  }

  private static JsonArray ids(List<UUID> ids) {
    JsonArray list = new JsonArray();
    ids.forEach(id -> list.add(id.toString()));
    return list;
  }

  private static void requireSameSet(List<UUID> current, List<UUID> given, String field) {
    if (given.size() != current.size() || !new HashSet<>(given).equals(new HashSet<>(current))) {
      throw invalid("'" + field + "' must name each of the " + current.size() + " current ones exactly once.");
    }
  }

  static ProblemException invalid(String detail) {
    return new ProblemException(Problem.validation(detail));
  }

  static ProblemException limit(String detail) {
    return new ProblemException(Problem.of(409, "graph-limit", "Graph limit reached", detail));
  }

  private static ProblemException conflict(String slug, String detail) {
    return new ProblemException(Problem.of(409, slug, "Conflict", detail));
  }

  private static ProblemException alreadyConnected() {
    return conflict("already-connected", "These cotos are connected that way already.");
  }
}
