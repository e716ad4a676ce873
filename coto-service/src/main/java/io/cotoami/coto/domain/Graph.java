package io.cotoami.coto.domain;

import io.cotoami.coto.graph.GraphConfig;
import io.cotoami.coto.store.Coto;
import io.cotoami.coto.store.CotoRepository;
import io.cotoami.coto.store.CotonomaRepository;
import io.cotoami.coto.store.Db;
import io.cotoami.coto.store.GraphRepository;
import io.cotoami.coto.store.TimelineEvent;
import io.cotoami.coto.store.TimelineEventRepository;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The graph of a signed-in person's cotos, built once over the same stores: {@link Pins},
 * {@link Connections} and the reads ({@link GraphReads}), each asking {@link GraphAccess} who may
 * read and manage what; and what deleting a coto removes from the graph with it.
 */
public final class Graph {
  private final GraphRepository graph;
  private final GraphConfig limits;
  private final Pins pins;
  private final Connections connections;
  private final GraphReads reads;

  public Graph(Db db, GraphRepository graph, CotoRepository cotos, CotonomaRepository cotonomas,
      TimelineEventRepository events, EventPublisher publisher, GraphConfig limits) {
    GraphAccess access = new GraphAccess(graph, cotos, cotonomas);
    this.graph = graph;
    this.limits = limits;
    this.pins = new Pins(db, graph, events, publisher, limits, access);
    this.connections = new Connections(db, graph, cotos, events, publisher, limits, access);
    this.reads = new GraphReads(db, graph, limits, access);
  }

  public GraphConfig limits() {
    return limits;
  }

  public Pins pins() {
    return pins;
  }

  public Connections connections() {
    return connections;
  }

  public GraphReads reads() {
    return reads;
  }

  /**
   * The events of what deleting {@code coto} removes with it (its pins, then its connections, which
   * the database deletes by cascade): called in the deleting transaction, before the delete.
   */
  Future<List<TimelineEvent>> removalsOf(SqlConnection conn, UUID actorId, Coto coto) {
    List<TimelineEvent> written = new ArrayList<>();
    return pins.removalsOf(conn, coto)
        .compose(unpinned -> {
          written.addAll(unpinned);
          return connections.removalsOf(conn, actorId, coto);
        })
        .map(disconnected -> {
          written.addAll(disconnected);
          return written;
        });
  }

  /** As {@link #removalsOf} for the coto announcing a cotonoma about to be deleted (none: no events). */
  Future<List<TimelineEvent>> removalsOfAnnouncing(SqlConnection conn, UUID actorId, String cotonomaKey) {
    return graph.announcing(conn, cotonomaKey)
        .compose(coto -> coto == null ? Future.succeededFuture(List.of()) : removalsOf(conn, actorId, coto));
  }
}
