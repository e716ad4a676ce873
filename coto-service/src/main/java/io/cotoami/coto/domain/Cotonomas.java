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
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.List;

/** What a signed-in user does with cotonomas and their members, and who may do it. */
public final class Cotonomas {
  /** The longest cotonoma name, in characters (the {@code cotonomas.name} check). */
  public static final int MAX_NAME = 50;
  private final Db db;
  private final CotoRepository cotos;
  private final CotonomaRepository cotonomas;
  private final TimelineEventRepository events;
  private final EventPublisher publisher;
  private final Graph graph;

  public Cotonomas(Db db, CotoRepository cotos, CotonomaRepository cotonomas, TimelineEventRepository events,
      EventPublisher publisher, Graph graph) {
    this.graph = graph;
    this.db = db;
    this.cotos = cotos;
    this.cotonomas = cotonomas;
    this.events = events;
    this.publisher = publisher;
  }

  /** A created cotonoma and the coto that announces it where it was created. */
  public record Created(Cotonoma cotonoma, Coto coto) {
  }

  /**
   * Creates a cotonoma (inside {@code parentKey} when given, which the caller must be able to
   * open) and posts its coto there, in one transaction.
   */
  public Future<Created> create(Caller caller, String name, String parentKey, String requestId) {
    return publisher.commit(db, conn -> (parentKey == null ? Future.<Cotonoma>succeededFuture()
                : open(conn, caller, parentKey, "FOR SHARE"))
            .compose(parent -> cotonomas.insert(conn, Keys.random(), name, caller.userId(), parentKey))
            .compose(cotonoma -> cotos.insert(conn, caller.userId(), name, null, null, parentKey, cotonoma.key())
                .map(coto -> new Created(cotonoma, coto)))
            .compose(created -> events.append(conn, TimelineEventType.COTONOMA_CREATED,
                    new JsonObject().put("cotonoma", created.cotonoma().toJson()).put("coto", created.coto().toJson()),
                    timelinesOf(created.cotonoma()))
                .map(written -> new Change<>(created, written))), requestId)
        .recover(Cotonomas::nameTaken);
  }

  /** A cotonoma made of an existing coto, and whether this call made it (a retry finds it made). */
  public record Cotonomatized(Cotonoma cotonoma, Coto coto, boolean created) {
  }

  /**
   * Turns the caller's own coto into a cotonoma named by its text, inside the cotonoma it was
   * posted in. The coto keeps its id, its place in timelines, its pins and its connections; only
   * {@code as_cotonoma} is set on it. The coto is locked first, so two calls at once make one cotonoma.
   */
  public Future<Cotonomatized> cotonomatize(Caller caller, java.util.UUID cotoId, String requestId) {
    return publisher.commit(db, conn -> cotos.find(conn, cotoId, true).compose(coto -> {
      if (coto == null) {
        throw DomainProblems.notFound("coto");
      }
      Future<Cotonoma> in = coto.cotonomaKey() == null ? Future.succeededFuture()
          : cotonomas.find(conn, coto.cotonomaKey(), caller.userId(), caller.email(), "FOR SHARE");
      return in.compose(room -> {
        boolean mine = coto.authorId().equals(caller.userId());
        boolean inOpenRoom = room != null && room.allowed();
        // Another's coto is seen only in a room the caller may open; not even its author makes a
        // room inside a cotonoma they can no longer open.
        if (coto.cotonomaKey() == null ? !mine : !inOpenRoom) {
          throw DomainProblems.notFound("coto");
        }
        if (!mine) {
          throw DomainProblems.forbidden("Only its author can turn a coto into a cotonoma.");
        }
        if (coto.isRepost()) {
          throw DomainProblems.cotoIsRepost();
        }
        if (coto.asCotonoma() != null) {
          return cotonomas.find(conn, coto.asCotonoma(), caller.userId(), caller.email(), "")
              .map(existing -> new Change<>(new Cotonomatized(existing, coto, false), List.<TimelineEvent>of()));
        }
        String name = coto.content().strip();
        if (name.isEmpty() || name.codePointCount(0, name.length()) > MAX_NAME || name.contains("\n")) {
          throw DomainProblems.tooLongForAName(MAX_NAME);
        }
        return cotonomas.insert(conn, Keys.random(), name, caller.userId(), coto.cotonomaKey())
            .compose(cotonoma -> cotos.cotonomatize(conn, cotoId, cotonoma.key(), name)
                .compose(updated -> events.append(conn, TimelineEventType.COTO_COTONOMATIZED,
                        new JsonObject().put("cotonoma", cotonoma.toJson()).put("coto", updated.toJson()),
                        timelinesOf(cotonoma))
                    .map(written -> new Change<>(new Cotonomatized(cotonoma, updated, true), written))));
      });
    }), requestId).recover(Cotonomas::nameTaken);
  }

  /** The cotonoma with its breadcrumbs (from the top, as far up as the caller may open) and sub-cotonomas. */
  public Future<JsonObject> get(Caller caller, String key) {
    return db.read(conn -> cotonomas.path(conn, key, caller.userId(), caller.email())
        .compose(path -> {
          Cotonoma cotonoma = path.isEmpty() ? null : path.get(path.size() - 1);
          if (cotonoma == null || !cotonoma.allowed()) {
            throw DomainProblems.notFound("cotonoma");
          }
          return cotonomas.children(conn, key).map(children -> cotonoma.toJson()
              .put("managed", cotonoma.managed())
              .put("breadcrumbs", refs(openableTail(path.subList(0, path.size() - 1))))
              .put("children", refs(children)));
        }));
  }

  /** Only who manages it (see {@code Access}) renames; the coto that announces it follows. */
  public Future<Cotonoma> rename(Caller caller, String key, String name, String requestId) {
    return publisher.commit(db, conn -> owned(conn, caller, key, "rename")
            .compose(cotonoma -> cotonomas.rename(conn, key, name)
                .map(at -> cotonoma.renamed(name, at)))
            .compose(renamed -> cotos.renameAnnouncing(conn, key, name)
                .compose(coto -> events.append(conn, TimelineEventType.COTONOMA_RENAMED,
                    new JsonObject().put("cotonoma", renamed.toJson()).put("coto", coto.toJson()),
                    timelinesOf(renamed)))
                .map(written -> new Change<>(renamed, written))), requestId)
        .recover(Cotonomas::nameTaken);
  }

  /** Only who manages it deletes, and only an empty cotonoma: its cotos are never deleted behind anyone's back. */
  public Future<Void> delete(Caller caller, String key, String requestId) {
    return publisher.commit(db, conn -> owned(conn, caller, key, "delete")
            .compose(cotonoma -> cotos.anyIn(conn, key).compose(any -> {
              if (any) {
                throw DomainProblems.cotonomaNotEmpty();
              }
              // The announcing coto's pins and connections go with it (by cascade): their events first.
              return graph.removalsOfAnnouncing(conn, caller.userId(), key);
            }).compose(removed -> cotos.deleteAnnouncing(conn, key).compose(coto -> cotonomas.delete(conn, key)
                .compose(v -> events.append(conn, TimelineEventType.COTONOMA_DELETED, new JsonObject()
                    .put("cotonomaKey", key).put("parentKey", cotonoma.parentKey())
                    .put("cotoId", coto == null ? null : coto.id().toString()), timelinesOf(cotonoma)))
                .map(written -> {
                  List<TimelineEvent> all = new ArrayList<>(removed);
                  all.addAll(written);
                  return all;
                }))))
            .map(written -> new Change<Void>(null, written)), requestId)
        .recover(e -> "23503".equals(Db.sqlState(e))
            ? Future.failedFuture(DomainProblems.cotonomaNotEmpty()) : Future.failedFuture(e))
        .mapEmpty();
  }

  /** The owner and the members, for anyone who may open the cotonoma. */
  public Future<JsonObject> members(Caller caller, String key) {
    return db.read(conn -> open(conn, caller, key, "")
        .compose(cotonoma -> cotonomas.members(conn, key).map(members -> new JsonObject()
            .put("ownerId", cotonoma.ownerId().toString())
            .put("members", new JsonArray(new ArrayList<>(members))))));
  }

  /** An added member, whether it is new (adding twice changes nothing), and the cotonoma. */
  public record Added(JsonObject member, boolean created, Cotonoma cotonoma) {
  }

  /** Only who manages it adds members, by email, whether or not that person has signed in yet. */
  public Future<Added> addMember(Caller caller, String key, String email, String requestId) {
    return publisher.commit(db, conn -> owned(conn, caller, key, "add members to")
            .compose(cotonoma -> cotonomas.addMember(conn, key, email).compose(member -> member == null
                ? cotonomas.member(conn, key, email).map(existing -> new Change<>(new Added(existing, false, cotonoma),
                    List.<io.cotoami.coto.store.TimelineEvent>of()))
                : events.append(conn, TimelineEventType.MEMBER_ADDED,
                    new JsonObject().put("cotonomaKey", key).put("email", email),
                    List.of(Timelines.cotonoma(key))).map(written -> new Change<>(new Added(member, true, cotonoma),
                        written)))), requestId);
  }

  public Future<Void> removeMember(Caller caller, String key, String email, String requestId) {
    return publisher.commit(db, conn -> owned(conn, caller, key, "remove members from")
            .compose(cotonoma -> cotonomas.removeMember(conn, key, email))
            .compose(member -> {
              if (member == null) {
                throw DomainProblems.notFound("member");
              }
              // Their access to sub-cotonomas they could open only through this one ends too, live.
              return cotonomas.onlyThrough(conn, key, email).compose(subs -> {
                List<String> timelines = new ArrayList<>(List.of(Timelines.cotonoma(key)));
                subs.forEach(sub -> timelines.add(Timelines.cotonoma(sub)));
                return events.append(conn, TimelineEventType.MEMBER_REMOVED, new JsonObject().put("cotonomaKey", key)
                    .put("email", email), timelines);
              });
            })
            .map(written -> new Change<Void>(null, written)), requestId)
        .mapEmpty();
  }

  /** The cotonoma when the caller is its owner or a member; 404 otherwise, so keys are not confirmed. */
  private Future<Cotonoma> open(SqlConnection conn, Caller caller, String key, String lock) {
    return cotonomas.find(conn, key, caller.userId(), caller.email(), lock).map(found -> {
      if (found == null || !found.allowed()) {
        throw DomainProblems.notFound("cotonoma");
      }
      return found;
    });
  }

  /**
   * The cotonoma, locked until commit, when the caller manages it (its owner, or the owner of a
   * cotonoma it is in); a member gets 403, anyone else 404.
   */
  private Future<Cotonoma> owned(SqlConnection conn, Caller caller, String key, String action) {
    return open(conn, caller, key, "FOR UPDATE").map(cotonoma -> {
      if (!cotonoma.managed()) {
        throw DomainProblems.forbidden("Only the owner can " + action + " this cotonoma.");
      }
      return cotonoma;
    });
  }

  /** The timelines a cotonoma shows on: its own, its owner's home, and its parent's. */
  private static List<String> timelinesOf(Cotonoma cotonoma) {
    List<String> timelines = new ArrayList<>(List.of(Timelines.cotonoma(cotonoma.key()),
        Timelines.home(cotonoma.ownerId())));
    if (cotonoma.parentKey() != null) {
      timelines.add(Timelines.cotonoma(cotonoma.parentKey()));
    }
    return timelines;
  }

  /** The nearest ancestors the caller may open, stopping at the first they may not. */
  private static List<Cotonoma> openableTail(List<Cotonoma> topDown) {
    int from = topDown.size();
    while (from > 0 && topDown.get(from - 1).allowed()) {
      from--;
    }
    return topDown.subList(from, topDown.size());
  }

  private static JsonArray refs(List<Cotonoma> list) {
    JsonArray refs = new JsonArray();
    list.forEach(n -> refs.add(new JsonObject().put("key", n.key()).put("name", n.name())));
    return refs;
  }

  private static <T> Future<T> nameTaken(Throwable e) {
    return "23505".equals(Db.sqlState(e)) ? Future.failedFuture(DomainProblems.nameTaken()) : Future.failedFuture(e);
  }
}
