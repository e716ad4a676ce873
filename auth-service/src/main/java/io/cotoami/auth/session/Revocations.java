package io.cotoami.auth.session;

import io.cotoami.common.bus.Addresses;
import io.cotoami.common.bus.FailureCodes;
import io.cotoami.common.session.Revocation;
import io.cotoami.common.session.RevocationPage;
import io.cotoami.common.session.RevokedSessions;
import io.cotoami.common.session.Session;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sign-out. Every revocation is appended to the Redis stream {@code auth:revocations} (durable
 * with the append-only file; entries older than one session lifetime are trimmed, since every
 * token they cover has expired by then) and published on {@link Addresses#SESSION_REVOKED}, so
 * every instance refuses the session within moments. The stream's entry ids are the versions
 * instances catch up from: auth-service answers {@link Addresses#REVOKED_SESSIONS_LIST} with what
 * was stored after the version asked, so an instance that missed the event still learns it at its
 * next reconcile.
 */
public final class Revocations implements RevokedSessions.Source {
  private static final Logger LOG = LoggerFactory.getLogger(Revocations.class);
  static final String STREAM = "auth:revocations";
  /** Where sign-outs were kept before the stream: {@code auth:revoked:<sid>} → until (epoch ms). */
  private static final String LEGACY_PREFIX = "auth:revoked:";
  static final int PAGE = 1000;

  private final Vertx vertx;
  private final RedisAPI redis;
  private final Duration sessionTtl;
  private final Supplier<Future<List<Revocation>>> lasting;
  /** This instance's copy: updated at once, so the answer to sign-out is already true here. */
  private RevokedSessions local;

  public Revocations(Vertx vertx, RedisAPI redis, Duration sessionTtl) {
    this(vertx, redis, sessionTtl, () -> Future.succeededFuture(List.of()));
  }

  /**
   * @param lasting the revocations that outlive the stream's one session lifetime (revoked
   *                personal access tokens, from PostgreSQL): every full read includes them
   */
  public Revocations(Vertx vertx, RedisAPI redis, Duration sessionTtl, Supplier<Future<List<Revocation>>> lasting) {
    this.vertx = vertx;
    this.redis = redis;
    this.sessionTtl = sessionTtl;
    this.lasting = lasting;
  }

  /**
   * Revokes a personal access token on every instance, as a sign-out does; the caller has marked
   * it revoked in PostgreSQL first, which keeps it revoked after the stream forgets it.
   */
  public Future<Void> revokeToken(Revocation revocation) {
    return store(revocation);
  }

  /**
   * Revokes the session until the latest moment one of its tokens could expire: sessions slide,
   * so that is one whole session lifetime from now.
   */
  public Future<Void> revoke(Session session) {
    return store(Revocation.ofSession(session.sessionId(), System.currentTimeMillis() + sessionTtl.toMillis()));
  }

  /** Revokes every session of the user started until now, this one included ("sign out everywhere"). */
  public Future<Void> revokeEverywhere(Session session) {
    long now = System.currentTimeMillis();
    return store(Revocation.ofUser(session.userId(), now, now + sessionTtl.toMillis()));
  }

  private Future<Void> store(Revocation revocation) {
    long oldest = System.currentTimeMillis() - sessionTtl.toMillis();
    List<String> command = new ArrayList<>(List.of(STREAM, "MINID", "~", String.valueOf(oldest), "*"));
    revocation.toJson().forEach(field -> {
      command.add(field.getKey());
      command.add(String.valueOf(field.getValue()));
    });
    return redis.xadd(command).map(id -> {
      if (local != null) {
        local.apply(revocation);
      }
      vertx.eventBus().publish(Addresses.SESSION_REVOKED, revocation.toJson());
      return null;
    });
  }

  /** The revocations stored after {@code version} (a stream id; {@code null}: all), a page at a time. */
  @Override
  public Future<RevocationPage> after(String version) {
    if (version == null) {
      return lasting.get().compose(tokens -> stream(null).map(page -> {
        List<Revocation> all = new ArrayList<>(tokens);
        all.addAll(page.revocations());
        return new RevocationPage(all, page.version(), page.more());
      }));
    }
    return stream(version);
  }

  private Future<RevocationPage> stream(String version) {
    String start = version == null ? "-" : "(" + version;
    return redis.xrange(List.of(STREAM, start, "+", "COUNT", String.valueOf(PAGE))).map(entries -> {
      List<Revocation> revocations = new ArrayList<>(entries.size());
      String last = version;
      for (Response entry : entries) {
        last = entry.get(0).toString();
        JsonObject fields = new JsonObject();
        Response pairs = entry.get(1);
        for (int i = 0; i + 1 < pairs.size(); i += 2) {
          String name = pairs.get(i).toString();
          String value = pairs.get(i + 1).toString();
          fields.put(name, name.equals("until") || name.equals("before") ? (Object) Long.valueOf(value) : value);
        }
        try {
          revocations.add(Revocation.fromJson(fields));
        } catch (RuntimeException e) {
          LOG.warn("Skipped a malformed entry {} of {}: {}", last, STREAM, e.getMessage());
        }
      }
      return new RevocationPage(revocations, last, entries.size() == PAGE);
    });
  }

  /**
   * Moves sign-outs stored before the stream existed into it, once: each key is appended, then
   * deleted, so a restart half-way appends some twice at worst (harmless) and loses none.
   */
  public Future<Void> migrateLegacy() {
    return scanLegacy("0", new ArrayList<>()).compose(keys -> {
      Future<Void> all = Future.succeededFuture();
      for (String key : keys) {
        all = all.compose(v -> redis.get(key).compose(value -> value == null ? Future.succeededFuture()
            : store(Revocation.ofSession(key.substring(LEGACY_PREFIX.length()), value.toLong()))
                .compose(stored -> redis.del(List.of(key))).mapEmpty()));
      }
      return all.onSuccess(v -> {
        if (!keys.isEmpty()) {
          LOG.info("Moved {} revoked sessions from {}* into {}", keys.size(), LEGACY_PREFIX, STREAM);
        }
      });
    });
  }

  private Future<List<String>> scanLegacy(String cursor, List<String> keys) {
    return redis.scan(List.of(cursor, "MATCH", LEGACY_PREFIX + "*", "COUNT", "500")).compose(reply -> {
      reply.get(1).forEach(key -> keys.add(key.toString()));
      String next = reply.get(0).toString();
      return next.equals("0") ? Future.succeededFuture(keys) : scanLegacy(next, keys);
    });
  }

  /** Keeps this instance's copy current on sign-out, and answers other instances' catch-ups. */
  public Future<Void> serve(RevokedSessions local) {
    this.local = local;
    return vertx.eventBus().<JsonObject>consumer(Addresses.REVOKED_SESSIONS_LIST, message -> {
      String after;
      try {
        after = RevocationPage.Query.fromJson(message.body()).after();
      } catch (RuntimeException e) {
        message.fail(FailureCodes.BAD_REQUEST, "malformed query");
        return;
      }
      after(after)
          .onSuccess(page -> message.reply(page.toJson()))
          .onFailure(e -> message.fail(FailureCodes.UNAVAILABLE, "revoked sessions unavailable"));
    }).completion();
  }
}
