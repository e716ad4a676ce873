package io.cotoami.coto.domain;

import io.cotoami.common.bus.TimelineEventType;
import io.cotoami.coto.graph.GraphConfig;
import io.cotoami.coto.store.Coto;
import io.cotoami.coto.store.Db;
import io.cotoami.coto.store.GraphRepository;
import io.cotoami.coto.store.Pin;
import io.cotoami.coto.store.TimelineEvent;
import io.cotoami.coto.store.TimelineEventRepository;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.util.List;
import java.util.UUID;

/**
 * Pins, a stock's entry points. Whoever may open a cotonoma pins its cotos to its stock and reorders
 * that stock; anyone pins the cotos they may read to their home. A pin is removed by who pinned it
 * or the cotonoma's owner. A stock's pins are written under an advisory lock of the stock, so the
 * count checked against {@code GRAPH_PINS_PER_STOCK} cannot be raced past. Events go on the stock's
 * timeline.
 */
public final class Pins {
  private final Db db;
  private final GraphRepository graph;
  private final TimelineEventRepository events;
  private final EventPublisher publisher;
  private final GraphConfig limits;
  private final GraphAccess access;

  Pins(Db db, GraphRepository graph, TimelineEventRepository events, EventPublisher publisher, GraphConfig limits,
      GraphAccess access) {
    this.db = db;
    this.graph = graph;
    this.events = events;
    this.publisher = publisher;
    this.limits = limits;
    this.access = access;
  }

  /** Pins a coto to a cotonoma's stock (a coto posted in it) or, without a key, to the caller's home. */
  public Future<Pin> pin(Caller caller, UUID cotoId, String cotonomaKey, String clientId, String requestId) {
    String stock = GraphAccess.stock(caller, cotonomaKey);
    return publisher.commit(db, conn -> access.openStock(conn, caller, cotonomaKey)
            .compose(n -> access.readable(conn, caller, cotoId, "coto"))
            .compose(coto -> {
              if (cotonomaKey != null && !cotonomaKey.equals(coto.cotonomaKey())) {
                throw DomainProblems.invalid("'cotoId' must be a coto posted in that cotonoma to be pinned to its stock.");
              }
              return graph.lock(conn, stock).compose(v -> graph.pinCount(conn, stock));
            })
            .compose(count -> {
              if (count >= limits.pinsPerStock()) {
                throw DomainProblems.graphLimit("A stock holds at most " + limits.pinsPerStock()
                    + " pins (GRAPH_PINS_PER_STOCK).");
              }
              return graph.pin(conn, stock, cotoId, caller.userId(), clientId);
            })
            .compose(pin -> events.append(conn, TimelineEventType.COTO_PINNED,
                new JsonObject().put("pin", pin.toJson()), List.of(stock)).map(written -> new Change<>(pin, written))),
            requestId)
        .recover(e -> GraphWrites.retried(db, e, clientId,
            conn -> graph.pinByClientId(conn, caller.userId(), clientId), DomainProblems::alreadyPinned));
  }

  public Future<Void> unpin(Caller caller, UUID pinId, String requestId) {
    return publisher.commit(db, conn -> graph.findPin(conn, pinId)
        .compose(pin -> pin == null ? Future.failedFuture(DomainProblems.notFound("pin"))
            : access.stockRights(conn, caller, pin.stock()).compose(managed -> {
              if (!managed && !pin.authorId().equals(caller.userId())) {
                throw DomainProblems.forbidden("Only who pinned it or the cotonoma's owner can unpin a coto.");
              }
              return graph.unpin(conn, pinId).compose(v -> unpinned(conn, pin));
            }))
        .map(written -> new Change<Void>(null, written)), requestId);
  }

  /** Puts a stock's pins in the given order: {@code pinIds} names each of them exactly once. */
  public Future<List<Pin>> reorderPins(Caller caller, String cotonomaKey, List<UUID> pinIds, String requestId) {
    String stock = GraphAccess.stock(caller, cotonomaKey);
    return publisher.commit(db, conn -> access.openStock(conn, caller, cotonomaKey)
        .compose(n -> graph.lock(conn, stock))
        .compose(v -> graph.pins(conn, stock))
        .compose(pins -> {
          GraphWrites.requireSameSet(pins.stream().map(Pin::id).toList(), pinIds, "pinIds");
          return graph.pinPositions(conn, pinIds);
        })
        .compose(v -> graph.pins(conn, stock))
        .compose(pins -> events.append(conn, TimelineEventType.PINS_REORDERED, new JsonObject().put("stock", stock)
            .put("pinIds", GraphWrites.ids(pinIds)), List.of(stock)).map(written -> new Change<>(pins, written))),
        requestId);
  }

  /** The unpinned events of {@code coto}'s pins, which deleting it removes by cascade (see {@link Graph#removalsOf}). */
  Future<List<TimelineEvent>> removalsOf(SqlConnection conn, Coto coto) {
    return graph.pinsOf(conn, coto.id()).compose(pins -> GraphWrites.inTurn(pins, pin -> unpinned(conn, pin)));
  }

  private Future<List<TimelineEvent>> unpinned(SqlConnection conn, Pin pin) {
    return events.append(conn, TimelineEventType.COTO_UNPINNED, new JsonObject().put("pinId", pin.id().toString())
        .put("cotoId", pin.cotoId().toString()).put("stock", pin.stock()), List.of(pin.stock()));
  }
}
