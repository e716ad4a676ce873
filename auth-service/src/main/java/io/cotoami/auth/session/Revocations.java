package io.cotoami.auth.session;

import io.cotoami.common.bus.Addresses;
import io.cotoami.common.session.RevokedSessions;
import io.cotoami.common.session.Session;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Sign-out: the session id is kept in Redis ({@code auth:revoked:<sid>}, expiring when no token of
 * that session can still be valid) and published on {@link Addresses#SESSION_REVOKED}, so every
 * instance of every service refuses it at once. auth-service also answers
 * {@link Addresses#REVOKED_SESSIONS_LIST} from Redis for instances that start later.
 */
public final class Revocations {
  private static final String PREFIX = "auth:revoked:";

  private final Vertx vertx;
  private final RedisAPI redis;
  private final Duration sessionTtl;
  /** This instance's copy: updated at once, so the answer to sign-out is already true here. */
  private RevokedSessions local;

  public Revocations(Vertx vertx, RedisAPI redis, Duration sessionTtl) {
    this.vertx = vertx;
    this.redis = redis;
    this.sessionTtl = sessionTtl;
  }

  /**
   * Revokes the session until the latest moment one of its tokens could expire: sessions slide,
   * so that is one whole session lifetime from now.
   */
  public Future<Void> revoke(Session session) {
    long until = System.currentTimeMillis() + sessionTtl.toMillis();
    return redis.set(List.of(PREFIX + session.sessionId(), String.valueOf(until), "PX", String.valueOf(sessionTtl.toMillis())))
        .map(ok -> {
          if (local != null) {
            local.add(session.sessionId(), until);
          }
          vertx.eventBus().publish(Addresses.SESSION_REVOKED,
              new JsonObject().put("sessionId", session.sessionId()).put("until", until));
          return null;
        });
  }

  /** Every revoked session still in Redis, as {@code [{"sessionId", "until"}]}. */
  public Future<JsonArray> all() {
    return scan("0", new ArrayList<>()).compose(keys -> {
      if (keys.isEmpty()) {
        return Future.succeededFuture(new JsonArray());
      }
      return redis.mget(keys).map(values -> {
        JsonArray list = new JsonArray();
        for (int i = 0; i < keys.size(); i++) {
          Response value = values.get(i);
          if (value != null) {
            list.add(new JsonObject().put("sessionId", keys.get(i).substring(PREFIX.length()))
                .put("until", value.toLong()));
          }
        }
        return list;
      });
    });
  }

  private Future<List<String>> scan(String cursor, List<String> keys) {
    return redis.scan(List.of(cursor, "MATCH", PREFIX + "*", "COUNT", "500")).compose(reply -> {
      reply.get(1).forEach(key -> keys.add(key.toString()));
      String next = reply.get(0).toString();
      return next.equals("0") ? Future.succeededFuture(keys) : scan(next, keys);
    });
  }

  /** Seeds this instance's copy from Redis and answers other instances' requests for the list. */
  public Future<Void> serve(RevokedSessions local) {
    this.local = local;
    return all().compose(list -> {
      local.seed(list);
      return vertx.eventBus().<JsonObject>consumer(Addresses.REVOKED_SESSIONS_LIST, message -> all()
              .onSuccess(revoked -> message.reply(new JsonObject().put("revoked", revoked)))
              .onFailure(e -> message.fail(503, "revoked sessions unavailable")))
          .completion();
    });
  }
}
