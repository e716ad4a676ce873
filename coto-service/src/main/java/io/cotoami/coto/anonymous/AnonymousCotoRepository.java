package io.cotoami.coto.anonymous;

import io.cotoami.common.store.DeadlineRedis;
import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Anonymous cotos in Redis, per visitor: a sequence counter, a sorted set of coto ids by sequence
 * (the timeline) and a hash of coto bodies. All three expire together, {@code retention} after the
 * visitor's last post or read.
 */
public final class AnonymousCotoRepository {
  /** Posting is one atomic script: the sequence, the timeline entry, the body and the expiries. */
  private static final String POST_SCRIPT = String.join("\n",
      "local seq = redis.call('INCR', KEYS[1])",
      "local coto = cjson.decode(ARGV[2])",
      "coto['seq'] = seq",
      "redis.call('ZADD', KEYS[2], seq, ARGV[1])",
      "redis.call('HSET', KEYS[3], ARGV[1], cjson.encode(coto))",
      "for i = 1, 3 do redis.call('EXPIRE', KEYS[i], ARGV[3]) end",
      "return seq");

  /**
   * Editing replaces content and summary of a coto that exists; the visitor's counter gives the
   * change its event id. Returns {event id, new body} or nil when there is no such coto.
   */
  private static final String EDIT_SCRIPT = String.join("\n",
      "local body = redis.call('HGET', KEYS[3], ARGV[1])",
      "if not body then return nil end",
      "local coto = cjson.decode(body)",
      "coto['content'] = ARGV[2]",
      "if ARGV[3] == '' then coto['summary'] = nil else coto['summary'] = ARGV[3] end",
      "coto['updatedAt'] = ARGV[4]",
      "local encoded = cjson.encode(coto)",
      "redis.call('HSET', KEYS[3], ARGV[1], encoded)",
      "local eventId = redis.call('INCR', KEYS[1])",
      "for i = 1, 3 do redis.call('EXPIRE', KEYS[i], ARGV[5]) end",
      "return {eventId, encoded}");

  /** Deleting removes the coto from the timeline and the bodies; returns its event id, or nil. */
  private static final String DELETE_SCRIPT = String.join("\n",
      "if redis.call('HDEL', KEYS[3], ARGV[1]) == 0 then return nil end",
      "redis.call('ZREM', KEYS[2], ARGV[1])",
      "local eventId = redis.call('INCR', KEYS[1])",
      "for i = 1, 3 do redis.call('EXPIRE', KEYS[i], ARGV[2]) end",
      "return eventId");

  /** An edit or a deletion and the event id it got on the visitor's timeline. */
  public record Change(long eventId, AnonymousCoto coto) {
  }

  private final RedisAPI redis;
  private final Duration retention;

  public AnonymousCotoRepository(RedisAPI redis, Duration retention) {
    this.redis = redis;
    this.retention = retention;
  }

  public Future<AnonymousCoto> post(String anonymousId, String content, String summary) {
    AnonymousCoto draft = new AnonymousCoto(UUID.randomUUID().toString(), 0, content, summary, Instant.now(), null);
    // Guarded: a post that Redis reaches after we answered 503 is not stored.
    return DeadlineRedis.evalGuarded(redis, POST_SCRIPT, keys(anonymousId),
        List.of(draft.id(), draft.toStored(), String.valueOf(retention.toSeconds()))).map(seq -> new AnonymousCoto(draft.id(), seq.toLong(), content, summary, draft.postedAt(),
        null));
  }

  /** Newest first, at most {@code limit}, strictly older than the {@code before} sequence when given. */
  public Future<List<AnonymousCoto>> timeline(String anonymousId, Long before, int limit) {
    String max = before == null ? "+inf" : "(" + before;
    return redis.zrevrangebyscore(List.of(timelineKey(anonymousId), max, "-inf", "LIMIT", "0", String.valueOf(limit)))
        .compose(ids -> {
          if (ids == null || ids.size() == 0) {
            return Future.succeededFuture(List.<AnonymousCoto>of());
          }
          List<String> hmget = new ArrayList<>();
          hmget.add(bodiesKey(anonymousId));
          ids.forEach(id -> hmget.add(id.toString()));
          return redis.hmget(hmget).map(AnonymousCotoRepository::bodies);
        })
        .compose(cotos -> touch(anonymousId).map(cotos));
  }

  /** Every coto of the visitor, oldest first (the order they were posted in). */
  public Future<List<AnonymousCoto>> oldestFirst(String anonymousId) {
    return redis.zrange(List.of(timelineKey(anonymousId), "0", "-1"))
        .compose(ids -> {
          if (ids == null || ids.size() == 0) {
            return Future.succeededFuture(List.<AnonymousCoto>of());
          }
          List<String> hmget = new ArrayList<>();
          hmget.add(bodiesKey(anonymousId));
          ids.forEach(id -> hmget.add(id.toString()));
          return redis.hmget(hmget).map(AnonymousCotoRepository::bodies);
        });
  }

  /** Forgets the visitor: their counter, timeline and cotos. */
  public Future<Void> forget(String anonymousId) {
    return redis.del(List.of(seqKey(anonymousId), timelineKey(anonymousId), bodiesKey(anonymousId))).mapEmpty();
  }

  /** The visitor's coto with that id, or null. */
  public Future<AnonymousCoto> get(String anonymousId, String id) {
    return redis.hget(bodiesKey(anonymousId), id)
        .map(body -> body == null ? null : AnonymousCoto.fromStored(body.toString()))
        .compose(coto -> touch(anonymousId).map(coto));
  }

  /** Replaces content and summary; null when the visitor has no coto with that id. */
  public Future<Change> edit(String anonymousId, String id, String content, String summary) {
    return DeadlineRedis.evalGuarded(redis, EDIT_SCRIPT, keys(anonymousId), List.of(id, content,
            summary == null ? "" : summary, Instant.now().toString(), String.valueOf(retention.toSeconds())))
        .map(result -> result == null || result.size() == 0 ? null
            : new Change(result.get(0).toLong(), AnonymousCoto.fromStored(result.get(1).toString())));
  }

  /** Deletes; null when the visitor has no coto with that id. */
  public Future<Change> delete(String anonymousId, String id) {
    return DeadlineRedis.evalGuarded(redis, DELETE_SCRIPT, keys(anonymousId),
            List.of(id, String.valueOf(retention.toSeconds())))
        .map(result -> result == null ? null : new Change(result.toLong(), null));
  }

  private static List<String> keys(String anonymousId) {
    return List.of(seqKey(anonymousId), timelineKey(anonymousId), bodiesKey(anonymousId));
  }

  private Future<Void> touch(String anonymousId) {
    String seconds = String.valueOf(retention.toSeconds());
    return Future.all(
            redis.expire(List.of(seqKey(anonymousId), seconds)),
            redis.expire(List.of(timelineKey(anonymousId), seconds)),
            redis.expire(List.of(bodiesKey(anonymousId), seconds)))
        .mapEmpty();
  }

  private static List<AnonymousCoto> bodies(Response values) {
    List<AnonymousCoto> cotos = new ArrayList<>(values.size());
    values.forEach(value -> {
      if (value != null) {
        cotos.add(AnonymousCoto.fromStored(value.toString()));
      }
    });
    return cotos;
  }

  private static String seqKey(String anonymousId) {
    return "anon:{" + anonymousId + "}:seq";
  }

  private static String timelineKey(String anonymousId) {
    return "anon:{" + anonymousId + "}:timeline";
  }

  private static String bodiesKey(String anonymousId) {
    return "anon:{" + anonymousId + "}:cotos";
  }
}
