package io.cotoami.coto.anonymous;

import io.cotoami.common.store.DeadlineRedis;
import io.cotoami.common.session.AnonymousId;
import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Anonymous cotos in the anonymous Redis, per visitor: a sequence counter, a sorted set of coto
 * ids by sequence (the timeline), a hash of coto bodies, the bytes those bodies take, and the
 * client ids already posted with. All five expire together, {@code retention} after the
 * visitor's last post or read. Every change is one script, so it is atomic.
 */
public final class AnonymousCotoRepository {
  /**
   * Posting: a client id already used answers the coto posted with it; over the visitor's quota
   * answers {'quota', ms until their data expires}; a store without room for it ({@link
   * AnonymousStoreLimit}) answers {'full'}; else the sequence, the timeline entry, the body, the
   * bytes, the client id and the expiries. Both refusals come before any write, so a refused post
   * leaves nothing behind. The byte check counts 24 bytes for
   * the sequence so that no sequence number is spent on a refused post (event ids stay gap-free).
   */
  private static final String POST_SCRIPT = AnonymousStoreLimit.prelude(7) + String.join("\n",
      "if ARGV[4] ~= '' then",
      "  local existing = redis.call('HGET', KEYS[5], ARGV[4])",
      "  local body = existing and redis.call('HGET', KEYS[3], existing)",
      "  if body then return {'existing', body} end",
      "end",
      "local used = tonumber(redis.call('GET', KEYS[4]) or '0')",
      "if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[5]) or used + #ARGV[2] + 24 > tonumber(ARGV[6]) then",
      "  return {'quota', redis.call('PTTL', KEYS[2])}",
      "end",
      "if not room(" + AnonymousStoreLimit.cost(0) + " + 2 * (#ARGV[2] + #ARGV[4] + 100)) then return {'full'} end",
      "local seq = redis.call('INCR', KEYS[1])",
      "local coto = cjson.decode(ARGV[2])",
      "coto['seq'] = seq",
      "local encoded = cjson.encode(coto)",
      "redis.call('ZADD', KEYS[2], seq, ARGV[1])",
      "redis.call('HSET', KEYS[3], ARGV[1], encoded)",
      "redis.call('INCRBY', KEYS[4], #encoded)",
      "if ARGV[4] ~= '' then redis.call('HSET', KEYS[5], ARGV[4], ARGV[1]) end",
      "for i = 1, 5 do redis.call('EXPIRE', KEYS[i], ARGV[3]) end",
      "return {'posted', encoded}");

  /**
   * Editing replaces content and summary of a coto that exists, within the byte quota; the
   * visitor's counter gives the change its event id. Answers {'edited', event id, new body},
   * {'quota', ms}, {'full'} (no room in the store) or nil when there is no such coto.
   */
  private static final String EDIT_SCRIPT = AnonymousStoreLimit.prelude(7) + String.join("\n",
      "local body = redis.call('HGET', KEYS[3], ARGV[1])",
      "if not body then return nil end",
      "local coto = cjson.decode(body)",
      "coto['content'] = ARGV[2]",
      "if ARGV[3] == '' then coto['summary'] = nil else coto['summary'] = ARGV[3] end",
      "coto['updatedAt'] = ARGV[4]",
      "local encoded = cjson.encode(coto)",
      "local used = tonumber(redis.call('GET', KEYS[4]) or '0')",
      "if #encoded > #body and used + #encoded - #body > tonumber(ARGV[6]) then",
      "  return {'quota', redis.call('PTTL', KEYS[2])}",
      "end",
      "if #encoded > #body and not room(" + AnonymousStoreLimit.cost(0) + " + 2 * (#encoded - #body)) then",
      "  return {'full'}",
      "end",
      "redis.call('HSET', KEYS[3], ARGV[1], encoded)",
      "redis.call('INCRBY', KEYS[4], #encoded - #body)",
      "local eventId = redis.call('INCR', KEYS[1])",
      "for i = 1, 5 do redis.call('EXPIRE', KEYS[i], ARGV[5]) end",
      "return {'edited', eventId, encoded}");

  /**
   * Deleting removes the coto, its bytes and its client id; returns its event id, or nil. It frees
   * memory first, so it still works when the store is full.
   */
  private static final String DELETE_SCRIPT = String.join("\n",
      "local body = redis.call('HGET', KEYS[3], ARGV[1])",
      "if not body then return nil end",
      "redis.call('HDEL', KEYS[3], ARGV[1])",
      "redis.call('ZREM', KEYS[2], ARGV[1])",
      "local clientId = cjson.decode(body)['clientId']",
      "if type(clientId) == 'string' then redis.call('HDEL', KEYS[5], clientId) end",
      "redis.call('DECRBY', KEYS[4], #body)",
      "local eventId = redis.call('INCR', KEYS[1])",
      "for i = 1, 5 do redis.call('EXPIRE', KEYS[i], ARGV[2]) end",
      "return eventId");

  /** What a post did: stored a new coto, found the one posted with its client id, or was over quota. */
  public sealed interface Posted {
    record Stored(AnonymousCoto coto) implements Posted {
    }

    record Existing(AnonymousCoto coto) implements Posted {
    }

    record OverQuota(long retryAfterSeconds) implements Posted {
    }

    /** The anonymous store has no room for it ({@link AnonymousStoreLimit}). */
    record StoreFull() implements Posted {
    }
  }

  /** An edit or a deletion and the event id it got on the visitor's timeline; or over quota; or no room in the store. */
  public record Change(long eventId, AnonymousCoto coto, long overQuotaRetryAfter, boolean storeFull) {
    public boolean overQuota() {
      return overQuotaRetryAfter > 0;
    }
  }

  private final RedisAPI redis;
  private final Duration retention;
  private final AnonymousConfig.Quota quota;
  private final AnonymousStoreLimit storeLimit;

  public AnonymousCotoRepository(RedisAPI redis, Duration retention, AnonymousConfig.Quota quota,
      AnonymousStoreLimit storeLimit) {
    this.redis = redis;
    this.retention = retention;
    this.quota = quota;
    this.storeLimit = storeLimit;
  }

  private List<String> args(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(storeLimit.args());
    return all;
  }

  public Future<Posted> post(AnonymousId visitor, String content, String summary, String clientId) {
    AnonymousCoto draft = new AnonymousCoto(UUID.randomUUID().toString(), 0, content, summary, Instant.now(), null);
    // Guarded: a post that Redis reaches after we answered 503 is not stored.
    return DeadlineRedis.evalGuarded(redis, POST_SCRIPT, keys(visitor), args(draft.id(), draft.toStored(clientId),
            seconds(), clientId == null ? "" : clientId, String.valueOf(quota.cotos()), String.valueOf(quota.bytes())))
        .map(reply -> switch (reply.get(0).toString()) {
          case "posted" -> new Posted.Stored(AnonymousCoto.fromStored(reply.get(1).toString()));
          case "existing" -> new Posted.Existing(AnonymousCoto.fromStored(reply.get(1).toString()));
          case "full" -> new Posted.StoreFull();
          default -> new Posted.OverQuota(retryAfter(reply.get(1)));
        });
  }

  /** Newest first, at most {@code limit}, strictly older than the {@code before} sequence when given. */
  public Future<List<AnonymousCoto>> timeline(AnonymousId visitor, Long before, int limit) {
    String max = before == null ? "+inf" : "(" + before;
    return redis.zrevrangebyscore(List.of(timelineKey(visitor), max, "-inf", "LIMIT", "0", String.valueOf(limit)))
        .compose(ids -> bodies(visitor, ids))
        .compose(cotos -> touch(visitor).map(cotos));
  }

  /** At most {@code limit} cotos posted after the {@code after} sequence, oldest first: one page of a move. */
  public Future<List<AnonymousCoto>> oldestFirst(AnonymousId visitor, long after, int limit) {
    return redis.zrangebyscore(List.of(timelineKey(visitor), "(" + after, "+inf", "LIMIT", "0",
            String.valueOf(limit)))
        .compose(ids -> bodies(visitor, ids));
  }

  /** Forgets the visitor: their counter, timeline, cotos, bytes and client ids. */
  public Future<Void> forget(AnonymousId visitor) {
    return redis.del(keys(visitor)).mapEmpty();
  }

  /** The visitor's coto with that id, or null. */
  public Future<AnonymousCoto> get(AnonymousId visitor, String id) {
    return redis.hget(bodiesKey(visitor), id)
        .map(body -> body == null ? null : AnonymousCoto.fromStored(body.toString()))
        .compose(coto -> touch(visitor).map(coto));
  }

  /** Replaces content and summary; null when the visitor has no coto with that id. */
  public Future<Change> edit(AnonymousId visitor, String id, String content, String summary) {
    return DeadlineRedis.evalGuarded(redis, EDIT_SCRIPT, keys(visitor), args(id, content,
            summary == null ? "" : summary, Instant.now().toString(), seconds(), String.valueOf(quota.bytes())))
        .map(reply -> {
          if (reply == null || reply.size() == 0) {
            return null;
          }
          return switch (reply.get(0).toString()) {
            case "quota" -> new Change(0, null, retryAfter(reply.get(1)), false);
            case "full" -> new Change(0, null, 0, true);
            default -> new Change(reply.get(1).toLong(), AnonymousCoto.fromStored(reply.get(2).toString()), 0, false);
          };
        });
  }

  /** Deletes; null when the visitor has no coto with that id. */
  public Future<Change> delete(AnonymousId visitor, String id) {
    return DeadlineRedis.evalGuarded(redis, DELETE_SCRIPT, keys(visitor), List.of(id, seconds()))
        .map(result -> result == null ? null : new Change(result.toLong(), null, 0, false));
  }

  private Future<Void> touch(AnonymousId visitor) {
    List<Future<Response>> expiries = new ArrayList<>();
    keys(visitor).forEach(key -> expiries.add(redis.expire(List.of(key, seconds()))));
    return Future.all(expiries).mapEmpty();
  }

  private Future<List<AnonymousCoto>> bodies(AnonymousId visitor, Response ids) {
    if (ids == null || ids.size() == 0) {
      return Future.succeededFuture(List.of());
    }
    List<String> hmget = new ArrayList<>();
    hmget.add(bodiesKey(visitor));
    ids.forEach(id -> hmget.add(id.toString()));
    return redis.hmget(hmget).map(values -> {
      List<AnonymousCoto> cotos = new ArrayList<>(values.size());
      values.forEach(value -> {
        if (value != null) {
          cotos.add(AnonymousCoto.fromStored(value.toString()));
        }
      });
      return cotos;
    });
  }

  private String seconds() {
    return String.valueOf(retention.toSeconds());
  }

  /** Seconds until the visitor's data expires (and the quota with it); at least 1. */
  private static long retryAfter(Response pttl) {
    long millis = pttl == null ? 0 : pttl.toLong();
    return Math.max(1, (millis + 999) / 1000);
  }

  /** Every key of a visitor; they share the hash tag {id}, so they live in one Redis Cluster slot. */
  private static List<String> keys(AnonymousId visitor) {
    String prefix = "anon:{" + visitor.value() + "}:";
    return List.of(prefix + "seq", prefix + "timeline", prefix + "cotos", prefix + "bytes", prefix + "clients");
  }

  private static String timelineKey(AnonymousId visitor) {
    return keys(visitor).get(1);
  }

  private static String bodiesKey(AnonymousId visitor) {
    return keys(visitor).get(2);
  }
}
