package io.cotoami.coto.domain;

import io.cotoami.common.bus.TimelineEventType;
import io.cotoami.coto.graph.GraphConfig;
import io.cotoami.coto.store.Connection;
import io.cotoami.coto.store.Coto;
import io.cotoami.coto.store.CotoRepository;
import io.cotoami.coto.store.Db;
import io.cotoami.coto.store.GraphRepository;
import io.cotoami.coto.store.TimelineEvent;
import io.cotoami.coto.store.TimelineEventRepository;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.util.List;
import java.util.UUID;

/**
 * Connections between cotos. Whoever may read two cotos connects them. A connection is removed,
 * relabeled or reordered by its author or by who manages the source coto's cotonoma. A coto's
 * outgoing connections are written under an advisory lock of that coto, so the count checked
 * against {@code GRAPH_CONNECTIONS_PER_COTO} cannot be raced past. Events go to the actor's home,
 * and to a cotonoma's timeline only when both ends are in it ({@link GraphAccess#timelines}).
 */
public final class Connections {
  private final Db db;
  private final GraphRepository graph;
  private final CotoRepository cotos;
  private final TimelineEventRepository events;
  private final EventPublisher publisher;
  private final GraphConfig limits;
  private final GraphAccess access;

  Connections(Db db, GraphRepository graph, CotoRepository cotos, TimelineEventRepository events,
      EventPublisher publisher, GraphConfig limits, GraphAccess access) {
    this.db = db;
    this.graph = graph;
    this.cotos = cotos;
    this.events = events;
    this.publisher = publisher;
    this.limits = limits;
    this.access = access;
  }

  /** Connects two cotos the caller may read; with a {@code clientId} used already, answers that connection. */
  public Future<Connection> connect(Caller caller, UUID sourceId, UUID targetId, String phrase, String clientId,
      String requestId) {
    if (sourceId.equals(targetId)) {
      return Future.failedFuture(DomainProblems.invalid("'targetId' must be another coto than 'sourceId'."));
    }
    return publisher.commit(db, conn -> access.readable(conn, caller, sourceId, "coto")
            .compose(source -> access.readable(conn, caller, targetId, "coto").compose(target ->
                graph.lock(conn, "connections:" + sourceId)
                    .compose(v -> graph.connectionCount(conn, sourceId))
                    .compose(count -> {
                      if (count >= limits.connectionsPerCoto()) {
                        throw DomainProblems.graphLimit("A coto has at most " + limits.connectionsPerCoto()
                            + " connections out of it (GRAPH_CONNECTIONS_PER_COTO).");
                      }
                      return graph.connect(conn, sourceId, targetId, caller.userId(), phrase, clientId);
                    })
                    .compose(made -> events.append(conn, TimelineEventType.COTO_CONNECTED,
                        new JsonObject().put("connection", made.toJson()),
                        GraphAccess.timelines(caller.userId(), source, target))
                        .map(written -> new Change<>(made, written))))),
            requestId)
        .recover(e -> GraphWrites.retried(db, e, clientId,
            conn -> graph.connectionByClientId(conn, caller.userId(), clientId), DomainProblems::alreadyConnected));
  }

  public Future<Void> disconnect(Caller caller, UUID id, String requestId) {
    return publisher.commit(db, conn -> editable(conn, caller, id)
        .compose(found -> graph.disconnect(conn, id)
            .compose(v -> events.append(conn, TimelineEventType.COTO_DISCONNECTED, disconnected(found.connection()),
                GraphAccess.timelines(caller.userId(), found.source(), found.target()))))
        .map(written -> new Change<Void>(null, written)), requestId);
  }

  public Future<Connection> relabel(Caller caller, UUID id, String phrase, String requestId) {
    return publisher.commit(db, conn -> editable(conn, caller, id)
        .compose(found -> graph.relabel(conn, id, phrase)
            .compose(made -> events.append(conn, TimelineEventType.CONNECTION_RELABELED,
                new JsonObject().put("connection", made.toJson()),
                GraphAccess.timelines(caller.userId(), found.source(), found.target()))
                .map(written -> new Change<>(made, written)))),
        requestId);
  }

  /** Orders the connections out of a coto: {@code connectionIds} names each exactly once, all of them the caller's to edit. */
  public Future<List<Connection>> reorderConnections(Caller caller, UUID sourceId, List<UUID> connectionIds,
      String requestId) {
    return publisher.commit(db, conn -> access.readable(conn, caller, sourceId, "coto")
        .compose(source -> graph.lock(conn, "connections:" + sourceId)
            .compose(v -> graph.outgoing(conn, sourceId))
            .compose(out -> {
              GraphWrites.requireSameSet(out.stream().map(Connection::id).toList(), connectionIds, "connectionIds");
              return access.manages(conn, caller, source).compose(managed -> {
                if (!managed && out.stream().anyMatch(c -> !c.authorId().equals(caller.userId()))) {
                  throw DomainProblems.forbidden("Only the author of each connection or the cotonoma's owner can reorder them.");
                }
                return targetsOf(conn, out);
              });
            })
            .compose(targets -> graph.connectionPositions(conn, connectionIds)
                .compose(v -> graph.outgoing(conn, sourceId))
                .compose(out -> events.append(conn, TimelineEventType.CONNECTIONS_REORDERED,
                    new JsonObject().put("sourceId", sourceId.toString())
                        .put("connectionIds", GraphWrites.ids(connectionIds)),
                    GraphAccess.timelines(caller.userId(), source, targets))
                    .map(written -> new Change<>(out, written))))),
        requestId);
  }

  /**
   * The disconnected events of the connections into and out of {@code coto}, which deleting it
   * removes by cascade (see {@link Graph#removalsOf}).
   */
  Future<List<TimelineEvent>> removalsOf(SqlConnection conn, UUID actorId, Coto coto) {
    return graph.touching(conn, coto.id()).compose(touching -> GraphWrites.inTurn(touching, connection -> {
      UUID other = connection.sourceId().equals(coto.id()) ? connection.targetId() : connection.sourceId();
      return cotos.find(conn, other, false).compose(otherCoto -> events.append(conn,
          TimelineEventType.COTO_DISCONNECTED, disconnected(connection), GraphAccess.timelines(actorId, coto, otherCoto)));
    }));
  }

  private record Editable(Connection connection, Coto source, Coto target) {
  }

  /** A connection the caller may remove or relabel: 404 when they cannot read both ends, 403 when not theirs. */
  private Future<Editable> editable(SqlConnection conn, Caller caller, UUID id) {
    return graph.findConnection(conn, id).compose(c -> {
      if (c == null) {
        throw DomainProblems.notFound("connection");
      }
      return access.readable(conn, caller, c.sourceId(), "connection")
          .compose(source -> access.readable(conn, caller, c.targetId(), "connection")
              .compose(target -> access.manages(conn, caller, source).map(managed -> {
                if (!managed && !c.authorId().equals(caller.userId())) {
                  throw DomainProblems.forbidden("Only its author or the cotonoma's owner can change a connection.");
                }
                return new Editable(c, source, target);
              })));
    });
  }

  private Future<List<Coto>> targetsOf(SqlConnection conn, List<Connection> connections) {
    return graph.cotos(conn, connections.stream().map(Connection::targetId).toList());
  }

  private static JsonObject disconnected(Connection c) {
    return new JsonObject().put("connectionId", c.id().toString()).put("sourceId", c.sourceId().toString())
        .put("targetId", c.targetId().toString());
  }
}
