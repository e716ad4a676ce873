package io.cotoami.coto.domain;

import io.cotoami.coto.store.Coto;
import io.cotoami.coto.store.CotoRepository;
import io.cotoami.coto.store.Cotonoma;
import io.cotoami.coto.store.CotonomaRepository;
import io.cotoami.coto.store.GraphRepository;
import io.cotoami.coto.store.Timelines;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Who may read and manage what in the graph, asked on the caller's transaction: a coto is read by
 * its author or by whoever may open its cotonoma, a stock by whoever may open its cotonoma (home:
 * its owner), and an event goes on a cotonoma's timeline only when every coto it names is in that
 * cotonoma, so no timeline learns of a coto (or a phrase about one) its readers cannot read.
 */
final class GraphAccess {
  private final GraphRepository graph;
  private final CotoRepository cotos;
  private final CotonomaRepository cotonomas;

  GraphAccess(GraphRepository graph, CotoRepository cotos, CotonomaRepository cotonomas) {
    this.graph = graph;
    this.cotos = cotos;
    this.cotonomas = cotonomas;
  }

  /** A coto the caller may read, else 404 (naming {@code what}). */
  Future<Coto> readable(SqlConnection conn, Caller caller, UUID id, String what) {
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

  /** The cotos among {@code ids} the caller may read, in the order given. */
  Future<Map<UUID, Coto>> readableAmong(SqlConnection conn, Caller caller, List<UUID> ids) {
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

  /** Whether the caller manages the cotonoma the coto is in (false outside cotonomas). */
  Future<Boolean> manages(SqlConnection conn, Caller caller, Coto coto) {
    if (coto.cotonomaKey() == null) {
      return Future.succeededFuture(false);
    }
    return cotonomas.find(conn, coto.cotonomaKey(), caller.userId(), caller.email(), "")
        .map(n -> n != null && n.managed());
  }

  /** The cotonoma (null for home) when the caller may open it, locked against deletion; else 404. */
  Future<Cotonoma> openStock(SqlConnection conn, Caller caller, String cotonomaKey) {
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
  Future<Boolean> stockRights(SqlConnection conn, Caller caller, String stock) {
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

  /** The stock a cotonoma key names: the cotonoma's, or without a key the caller's home. */
  static String stock(Caller caller, String cotonomaKey) {
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
}
