package io.cotoami.coto.anonymous;

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

  private final RedisAPI redis;
  private final Duration retention;

  public AnonymousCotoRepository(RedisAPI redis, Duration retention) {
    this.redis = redis;
    this.retention = retention;
  }

  public Future<AnonymousCoto> post(String anonymousId, String content, String summary) {
    AnonymousCoto draft = new AnonymousCoto(UUID.randomUUID().toString(), 0, content, summary, Instant.now());
    List<String> args = new ArrayList<>(List.of(POST_SCRIPT, "3", seqKey(anonymousId), timelineKey(anonymousId),
        bodiesKey(anonymousId), draft.id(), draft.toStored(), String.valueOf(retention.toSeconds())));
    return redis.eval(args).map(seq -> new AnonymousCoto(draft.id(), seq.toLong(), content, summary, draft.postedAt()));
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
