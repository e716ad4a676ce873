package io.cotoami.coto.anonymous;

import io.cotoami.common.bus.TimelineEventType;
import io.cotoami.common.session.AnonymousId;
import io.cotoami.coto.domain.Caller;
import io.cotoami.coto.domain.Cotos;
import io.cotoami.coto.domain.DomainProblems;
import io.cotoami.coto.domain.EventPublisher;
import io.cotoami.coto.store.TimelineEvent;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;
import java.util.List;

/**
 * What an anonymous visitor does with their cotos, and what it may cost: posts and edits are
 * counted per client address, the visitor's cotos are held to a quota, and a full anonymous
 * store refuses writes with a 503 (reads and deletions still work). Each change is published on
 * the visitor's hashed timeline through the same {@link EventPublisher} as every other change.
 */
public final class AnonymousCotos {
  /** Cotos moved per round at sign-in: a visitor's timeline is never held in memory at once. */
  static final int MOVE_PAGE = 100;

  private final AnonymousCotoRepository cotos;
  private final AnonymousWriteLimits limits;
  private final AnonymousConfig config;
  private final Cotos signedIn;
  private final EventPublisher publisher;

  /** Whose address a request is, for the per-address write limit. */
  public io.cotoami.common.http.ClientAddress clients() {
    return config.clients();
  }

  /** On the anonymous Redis; moved cotos are posted through {@code signedIn}. */
  public AnonymousCotos(RedisAPI redis, AnonymousConfig config, Cotos signedIn, EventPublisher publisher) {
    this.cotos = new AnonymousCotoRepository(redis, config.retention(), config.quota(), config.storeLimit());
    this.limits = new AnonymousWriteLimits(redis, config.writeLimit(), config.writeWindow(), config.storeLimit());
    this.config = config;
    this.signedIn = signedIn;
    this.publisher = publisher;
  }

  /**
   * Posts, once per {@code clientId}: a retry (even a concurrent one) answers the coto posted
   * first, and publishes nothing again.
   */
  public Future<AnonymousCoto> post(AnonymousId visitor, String address, String content, String summary,
      String clientId, String requestId) {
    return full(limits.hit(address).compose(v -> cotos.post(visitor, content, summary, clientId)))
        .compose(posted -> {
          if (posted instanceof AnonymousCotoRepository.Posted.StoreFull) {
            return Future.failedFuture(AnonymousRefused.storeFull());
          }
          if (posted instanceof AnonymousCotoRepository.Posted.OverQuota over) {
            return Future.failedFuture(AnonymousRefused.overQuota(config.quota(), over.retryAfterSeconds()));
          }
          if (posted instanceof AnonymousCotoRepository.Posted.Stored stored) {
            publish(TimelineEventType.COTO_POSTED, visitor, stored.coto().seq(), new JsonObject().put("coto", stored.coto().toJson()),
                requestId);
            return Future.succeededFuture(stored.coto());
          }
          return Future.succeededFuture(((AnonymousCotoRepository.Posted.Existing) posted).coto());
        });
  }

  public Future<List<AnonymousCoto>> timeline(AnonymousId visitor, Long before, int limit) {
    return cotos.timeline(visitor, before, limit);
  }

  public Future<AnonymousCoto> get(AnonymousId visitor, String id) {
    return cotos.get(visitor, id).compose(AnonymousCotos::found);
  }

  public Future<AnonymousCoto> edit(AnonymousId visitor, String address, String id, String content, String summary,
      String requestId) {
    return full(limits.hit(address).compose(v -> cotos.edit(visitor, id, content, summary)))
        .compose(change -> {
          if (change != null && change.storeFull()) {
            return Future.failedFuture(AnonymousRefused.storeFull());
          }
          if (change != null && change.overQuota()) {
            return Future.failedFuture(AnonymousRefused.overQuota(config.quota(), change.overQuotaRetryAfter()));
          }
          return found(change == null ? null : change.coto()).onSuccess(coto -> publish(TimelineEventType.COTO_EDITED, visitor,
              change.eventId(), new JsonObject().put("coto", coto.toJson()), requestId));
        });
  }

  /** Not rate limited: deleting frees space, and it works when the store is full. */
  public Future<Void> delete(AnonymousId visitor, String id, String requestId) {
    return full(cotos.delete(visitor, id)).compose(change -> {
      if (change == null) {
        return Future.failedFuture(DomainProblems.notFound("coto"));
      }
      publish(TimelineEventType.COTO_DELETED, visitor, change.eventId(), new JsonObject().put("cotoId", id), requestId);
      return Future.succeededFuture();
    });
  }

  /**
   * Moves the visitor's cotos into {@code owner}'s home at sign-in, page by page in the order
   * they were posted, each with the client id {@code anon:<its id>}: the unique (author, client
   * id) constraint makes a retried or concurrent move insert nothing twice. The Redis copy is
   * forgotten only after every coto is in PostgreSQL, so a move cut short is finished by the next.
   */
  public Future<Integer> moveInto(Caller owner, AnonymousId visitor, String requestId) {
    return movePages(owner, visitor, 0, 0, requestId)
        .compose(moved -> cotos.forget(visitor).map(moved));
  }

  private Future<Integer> movePages(Caller owner, AnonymousId visitor, long after, int moved, String requestId) {
    return cotos.oldestFirst(visitor, after, MOVE_PAGE).compose(page -> {
      if (page.isEmpty()) {
        return Future.succeededFuture(moved);
      }
      Future<Void> posted = Future.succeededFuture();
      for (AnonymousCoto coto : page) {
        posted = posted.compose(v -> signedIn.post(owner, coto.content(), coto.summary(), null, "anon:" + coto.id(),
            requestId).mapEmpty());
      }
      long last = page.get(page.size() - 1).seq();
      return posted.compose(v -> page.size() < MOVE_PAGE ? Future.succeededFuture(moved + page.size())
          : movePages(owner, visitor, last, moved + page.size(), requestId));
    });
  }

  private void publish(TimelineEventType type, AnonymousId visitor, long eventId, JsonObject payload, String requestId) {
    publisher.publish(List.of(new TimelineEvent(type, visitor.timeline(), eventId, payload)), requestId);
  }

  private static Future<AnonymousCoto> found(AnonymousCoto coto) {
    return coto == null ? Future.failedFuture(DomainProblems.notFound("coto")) : Future.succeededFuture(coto);
  }

  /**
   * A write refused because the anonymous Redis is at its maxmemory is a 503 with Retry-After, as
   * one refused by {@link AnonymousStoreLimit} is: a backstop, should Redis reach its maxmemory anyway.
   */
  private static <T> Future<T> full(Future<T> write) {
    return write.recover(e -> Future.failedFuture(outOfMemory(e) ? AnonymousRefused.storeFull() : e));
  }

  static boolean outOfMemory(Throwable e) {
    String message = e.getMessage();
    return message != null && (message.startsWith("OOM") || message.contains("OOM command not allowed"));
  }
}
