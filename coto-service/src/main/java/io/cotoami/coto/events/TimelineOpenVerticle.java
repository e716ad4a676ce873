package io.cotoami.coto.events;

import io.cotoami.common.bus.Addresses;
import io.cotoami.common.bus.FailureCodes;
import io.cotoami.common.bus.TimelineName;
import io.cotoami.common.bus.TimelineNames;
import io.cotoami.common.bus.TimelineOpen;
import io.cotoami.common.bus.TimelineOpened;
import io.cotoami.common.http.Problem;
import io.cotoami.common.http.ProblemException;
import io.cotoami.common.session.AnonymousId;
import io.cotoami.coto.domain.Caller;
import io.cotoami.coto.domain.Cotonomas;
import io.cotoami.coto.store.Db;
import io.cotoami.coto.store.TimelineEvent;
import io.cotoami.coto.store.TimelineEventRepository;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Answers gateways opening a live timeline for a WebSocket client: whether the caller may read
 * it (the same rules as the REST API: a cotonoma that is not shared with them is 404), the name
 * its events carry on the bus, and the events missed since the client's last event id, from
 * {@code timeline_events}. More than {@code replayLimit} missed: {@code resync} (refetch).
 */
public final class TimelineOpenVerticle extends VerticleBase {
  private final Db db;
  private final Cotonomas cotonomas;
  private final TimelineEventRepository events;
  private final int replayLimit;

  public TimelineOpenVerticle(Db db, Cotonomas cotonomas, TimelineEventRepository events, int replayLimit) {
    this.db = db;
    this.cotonomas = cotonomas;
    this.events = events;
    this.replayLimit = replayLimit;
  }

  @Override
  public Future<?> start() {
    return vertx.eventBus().<JsonObject>consumer(Addresses.TIMELINES_OPEN, this::open).completion();
  }

  private void open(Message<JsonObject> message) {
    TimelineOpen request = TimelineOpen.fromJson(message.body());
    Long after = request.after();
    resolve(request)
        .compose(name -> after == null ? current(name) : replay(name, after))
        .onSuccess(opened -> message.reply(opened.toJson()))
        .onFailure(e -> {
          if (e instanceof ProblemException) {
            ProblemException problem = (ProblemException) e;
            message.fail(problem.problem().status(), problem.problem().detail());
          } else {
            message.fail(FailureCodes.UNAVAILABLE, "The timeline cannot be opened now.");
          }
        });
  }

  /** The name the timeline's events carry on the bus, once the caller may read it. */
  private Future<String> resolve(TimelineOpen request) {
    Optional<TimelineName> name = TimelineName.parse(request.timeline());
    if (name.isEmpty()) {
      return Future.failedFuture(new ProblemException(Problem.validation("A timeline is 'home' or 'cotonoma:<key>'.")));
    }
    String userId = request.userId();
    String visitor = userId != null ? null
        : AnonymousId.parse(request.anonymousId()).map(AnonymousId::timeline).orElse(null);
    Optional<String> busName = name.get().busName(userId == null ? null : UUID.fromString(userId).toString(), visitor);
    if (busName.isEmpty()) {
      return Future.failedFuture(new ProblemException(Problem.of(401, "unauthorized", "Unauthorized",
          "Sign in to follow cotonomas; anonymous visitors follow their own home.")));
    }
    if (name.get().isHome()) {
      return Future.succeededFuture(busName.get());
    }
    Caller caller = new Caller(UUID.fromString(userId), Caller.normalizeEmail(request.email()));
    return cotonomas.get(caller, name.get().cotonomaKey()).map(found -> busName.get());
  }

  /** Nothing to replay; the latest event id is where the client's live events start. */
  private Future<TimelineOpened> current(String name) {
    return TimelineNames.isAnonymous(name) ? Future.succeededFuture(TimelineOpened.current(name, null))
        : db.read(conn -> events.lastEventId(conn, name)).map(last -> TimelineOpened.current(name, last));
  }

  private Future<TimelineOpened> replay(String name, long after) {
    if (TimelineNames.isAnonymous(name)) {
      // Anonymous events are not kept: a visitor who was away refetches.
      return Future.succeededFuture(TimelineOpened.refetch(name, null));
    }
    return db.read(conn -> events.lastEventId(conn, name).compose(last -> (after > last
        // Ids from another history (a restored database, a forged frame): start afresh.
        ? Future.<List<TimelineEvent>>succeededFuture(null)
        : events.since(conn, name, after, replayLimit + 1)).map(found -> {
          // Ids of a timeline have no gaps: a first event that is not the next one means older
          // events were trimmed (or the client was away too long), so the client refetches.
          boolean resync = found == null || found.size() > replayLimit
              || !found.isEmpty() && found.get(0).eventId() != after + 1;
          return resync ? TimelineOpened.refetch(name, last)
              : new TimelineOpened(name, found.stream().map(TimelineEvent::toMessage).toList(), false, last);
        })));
  }
}
