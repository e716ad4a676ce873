package io.cotoami.coto.domain;

import io.cotoami.common.bus.TimelineEventType;
import io.cotoami.coto.store.Coto;
import io.cotoami.coto.store.CotoRepository;
import io.cotoami.coto.store.Cotonoma;
import io.cotoami.coto.store.CotonomaRepository;
import io.cotoami.coto.store.Db;
import io.cotoami.coto.store.TimelineEvent;
import io.cotoami.coto.store.TimelineEventRepository;
import io.cotoami.coto.store.Timelines;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** What a signed-in user does with cotos, and who may do it. */
public final class Cotos {
  private final Db db;
  private final CotoRepository cotos;
  private final CotonomaRepository cotonomas;
  private final TimelineEventRepository events;
  private final EventPublisher publisher;
  private final Graph graph;

  public Cotos(Db db, CotoRepository cotos, CotonomaRepository cotonomas, TimelineEventRepository events,
      EventPublisher publisher, Graph graph) {
    this.graph = graph;
    this.db = db;
    this.cotos = cotos;
    this.cotonomas = cotonomas;
    this.events = events;
    this.publisher = publisher;
  }

  /**
   * Posts a coto, in a cotonoma the caller may post in when {@code cotonomaKey} is given. With a
   * {@code clientId} already used by the caller, answers the coto posted then: the unique
   * constraint decides, so concurrent retries give one coto.
   */
  public Future<Coto> post(Caller caller, String content, String summary, String cotonomaKey, String clientId,
      String requestId) {
    return publisher.commit(db, conn -> requireCotonoma(conn, caller, cotonomaKey)
            .compose(n -> cotos.insert(conn, caller.userId(), content, summary, clientId, cotonomaKey, null))
            .compose(coto -> events.append(conn, TimelineEventType.COTO_POSTED,
                new JsonObject().put("coto", coto.toJson()),
                timelinesOf(coto)).map(written -> new Change<>(coto, written))), requestId)
        .recover(e -> clientId != null && "23505".equals(Db.sqlState(e))
            ? db.read(conn -> cotos.findByClientId(conn, caller.userId(), clientId))
                .compose(existing -> existing == null ? Future.failedFuture(e) : Future.succeededFuture(existing))
            : Future.failedFuture(e));
  }

  public Future<Coto> get(Caller caller, UUID id) {
    return db.read(conn -> find(conn, caller, id, false)).map(Seen::coto);
  }

  /** Only the author edits; a coto that stands for a cotonoma is renamed with its cotonoma. */
  public Future<Coto> edit(Caller caller, UUID id, String content, String summary, String requestId) {
    return publisher.commit(db, conn -> find(conn, caller, id, true)
            .compose(found -> {
              Coto coto = found.coto();
              if (coto.asCotonoma() != null) {
                throw DomainProblems.cotoIsCotonoma();
              }
              if (coto.isRepost()) {
                throw DomainProblems.cotoIsRepost();
              }
              if (!coto.authorId().equals(caller.userId())) {
                throw DomainProblems.forbidden("Only its author can edit a coto.");
              }
              return cotos.update(conn, id, content, summary);
            })
            // Its reposts show the new text too: their viewers are told, each repost as it now reads.
            .compose(coto -> cotos.repostsOf(conn, id).compose(reposts -> {
              List<Coto> all = new ArrayList<>(List.of(coto));
              all.addAll(reposts);
              return appendEach(conn, TimelineEventType.COTO_EDITED, all, c -> new JsonObject().put("coto", c.toJson()));
            }).map(written -> new Change<>(coto, written))), requestId);
  }

  /** A coto the caller reposted, and whether this call made it (a retry, or someone else, may have). */
  public record Reposted(Coto coto, boolean created) {
  }

  /**
   * Shows a coto the caller may read in one more cotonoma they may post in. A repost of a repost
   * reposts its original; there is one repost of a coto per cotonoma.
   */
  public Future<Reposted> repost(Caller caller, UUID id, String cotonomaKey, String requestId) {
    return publisher.commit(db, conn -> find(conn, caller, id, false)
        .compose(seen -> seen.coto().isRepost() ? cotos.find(conn, seen.coto().repostOf(), false)
            : Future.succeededFuture(seen.coto()))
        .compose(original -> {
          if (original.asCotonoma() != null) {
            throw DomainProblems.cannotRepost("A cotonoma's coto is not reposted: open the cotonoma instead.");
          }
          if (cotonomaKey.equals(original.cotonomaKey())) {
            throw DomainProblems.cannotRepost("This coto was posted in that cotonoma: it is there already.");
          }
          return requireCotonoma(conn, caller, cotonomaKey)
              .compose(n -> cotos.repost(conn, caller.userId(), original.id(), cotonomaKey))
              .compose(made -> made == null
                  ? cotos.repostIn(conn, original.id(), cotonomaKey)
                      .map(existing -> new Change<>(new Reposted(existing, false), List.<TimelineEvent>of()))
                  : events.append(conn, TimelineEventType.COTO_POSTED, new JsonObject().put("coto", made.toJson()),
                      timelinesOf(made)).map(written -> new Change<>(new Reposted(made, true), written)));
        }), requestId);
  }

  /** The author deletes their coto; who manages the cotonoma it is in (its owner, at any depth) may too. */
  public Future<Void> delete(Caller caller, UUID id, String requestId) {
    return publisher.commit(db, conn -> find(conn, caller, id, true)
            .compose(found -> {
              Coto coto = found.coto();
              if (coto.asCotonoma() != null) {
                throw DomainProblems.cotoIsCotonoma();
              }
              if (!coto.authorId().equals(caller.userId()) && (found.in() == null || !found.in().managed())) {
                throw DomainProblems.forbidden("Only its author or the cotonoma's owner can delete a coto.");
              }
              // Its reposts, and the pins and connections of each, go with it (by cascade); their events are written first.
              return cotos.repostsOf(conn, id).compose(reposts -> {
                List<Coto> gone = new ArrayList<>(reposts);
                gone.add(coto);
                List<TimelineEvent> all = new ArrayList<>();
                Future<Void> chain = Future.succeededFuture();
                for (Coto each : gone) {
                  chain = chain.compose(v -> graph.removalsOf(conn, caller.userId(), each).map(all::addAll).mapEmpty());
                }
                return chain.compose(v -> cotos.delete(conn, id))
                    .compose(v -> appendEach(conn, TimelineEventType.COTO_DELETED, gone, Cotos::deleted))
                    .map(written -> {
                      all.addAll(written);
                      return new Change<Void>(null, all);
                    });
              });
            }), requestId)
        .mapEmpty();
  }

  /** Everything the caller posted, wherever, newest first. */
  public Future<List<Coto>> home(Caller caller, Long before, int limit) {
    return db.read(conn -> cotos.home(conn, caller.userId(), before, limit));
  }

  /** What was posted in a cotonoma the caller may open, newest first. */
  public Future<List<Coto>> inCotonoma(Caller caller, String cotonomaKey, Long before, int limit) {
    return db.read(conn -> requireCotonoma(conn, caller, cotonomaKey)
        .compose(n -> cotos.inCotonoma(conn, cotonomaKey, before, limit)));
  }

  /** The cotonoma, locked against deletion until commit, when the caller may open it; else 404. */
  private Future<Cotonoma> requireCotonoma(SqlConnection conn, Caller caller, String key) {
    if (key == null) {
      return Future.succeededFuture();
    }
    return cotonomas.find(conn, key, caller.userId(), caller.email(), "FOR SHARE").map(found -> {
      if (found == null || !found.allowed()) {
        throw DomainProblems.notFound("cotonoma");
      }
      return found;
    });
  }

  /** A coto the caller may read, and the cotonoma it is in (null outside cotonomas) with the caller's rights. */
  private record Seen(Coto coto, Cotonoma in) {
  }

  /**
   * The coto when its author or someone who may open its cotonoma asks; 404 otherwise.
   * {@code forUpdate} locks it until the transaction ends.
   */
  private Future<Seen> find(SqlConnection conn, Caller caller, UUID id, boolean forUpdate) {
    return cotos.find(conn, id, forUpdate).compose(coto -> {
      if (coto == null) {
        throw DomainProblems.notFound("coto");
      }
      Future<Cotonoma> in = coto.cotonomaKey() == null ? Future.succeededFuture()
          : cotonomas.find(conn, coto.cotonomaKey(), caller.userId(), caller.email(), "");
      return in.map(cotonoma -> {
        if (!coto.authorId().equals(caller.userId()) && (cotonoma == null || !cotonoma.allowed())) {
          throw DomainProblems.notFound("coto");
        }
        return new Seen(coto, cotonoma);
      });
    });
  }

  private static JsonObject deleted(Coto coto) {
    return new JsonObject().put("cotoId", coto.id().toString()).put("authorId", coto.authorId().toString())
        .put("cotonomaKey", coto.cotonomaKey());
  }

  /** One event per coto, on that coto's timelines, written in order. */
  private Future<List<TimelineEvent>> appendEach(SqlConnection conn, TimelineEventType type, List<Coto> each,
      java.util.function.Function<Coto, JsonObject> payload) {
    List<TimelineEvent> written = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (Coto coto : each) {
      chain = chain.compose(v -> events.append(conn, type, payload.apply(coto), timelinesOf(coto))
          .map(written::addAll).mapEmpty());
    }
    return chain.map(v -> written);
  }

  static List<String> timelinesOf(Coto coto) {
    List<String> timelines = new ArrayList<>(List.of(Timelines.home(coto.authorId())));
    if (coto.cotonomaKey() != null) {
      timelines.add(Timelines.cotonoma(coto.cotonomaKey()));
    }
    return timelines;
  }
}
