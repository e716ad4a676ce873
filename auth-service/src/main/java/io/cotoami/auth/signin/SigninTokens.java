package io.cotoami.auth.signin;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Emailed sign-in tokens: 256 bits from {@link SecureRandom}. Redis keeps only the SHA-256 of a
 * token (so a copy of Redis cannot sign anyone in), with a TTL. Redeeming reserves the token (one
 * Lua script: one winner however many requests race), then consumes it once the session is
 * issued, or releases it if issuing failed, so a failed redemption does not burn the link.
 */
public final class SigninTokens {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern FORMAT = Pattern.compile("[A-Za-z0-9_-]{43}");
  private static final String PREFIX = "auth:signin:";
  /** How long a redemption may hold a token before another may take it (well over the gateway's upstream timeout). */
  static final Duration RESERVATION = Duration.ofSeconds(30);
  /**
   * The value is the request's JSON, or {@code R<until ms>:<holder>|<json>} while reserved. The
   * key's own TTL is kept through every rewrite.
   */
  private static final String RESERVE = "local v = redis.call('GET', KEYS[1]) if not v then return nil end "
      + "if string.sub(v, 1, 1) == 'R' then "
      + "  local bar = string.find(v, '|', 1, true) local colon = string.find(v, ':', 1, true) "
      + "  if tonumber(string.sub(v, 2, colon - 1)) > tonumber(ARGV[2]) then return nil end "
      + "  v = string.sub(v, bar + 1) end "
      + "local ttl = redis.call('PTTL', KEYS[1]) if ttl <= 0 then return nil end "
      + "redis.call('SET', KEYS[1], 'R' .. (tonumber(ARGV[2]) + tonumber(ARGV[3])) .. ':' .. ARGV[1] .. '|' .. v, 'PX', ttl) "
      + "return v";
  private static final String HELD = "local v = redis.call('GET', KEYS[1]) if not v or string.sub(v, 1, 1) ~= 'R' "
      + "then return nil end local bar = string.find(v, '|', 1, true) local colon = string.find(v, ':', 1, true) "
      + "if string.sub(v, colon + 1, bar - 1) ~= ARGV[1] then return nil end ";
  private static final String CONSUME = HELD + "redis.call('DEL', KEYS[1]) return 1";
  private static final String RELEASE = HELD + "local ttl = redis.call('PTTL', KEYS[1]) "
      + "if ttl > 0 then redis.call('SET', KEYS[1], string.sub(v, bar + 1), 'PX', ttl) end return 1";

  private final RedisAPI redis;
  private final Duration ttl;

  public SigninTokens(RedisAPI redis, Duration ttl) {
    this.redis = redis;
    this.ttl = ttl;
  }

  /**
   * What a token stands for: who asked, whether to move that browser's anonymous cotos, and the
   * page to go back to ({@link ReturnPaths}: validated before it is stored; null for none).
   */
  public record Request(String email, boolean saveAnonymousCotos, String anonymousId, String returnTo) {
    JsonObject toJson() {
      return new JsonObject().put("email", email).put("saveAnonymousCotos", saveAnonymousCotos)
          .put("anonymousId", anonymousId).put("returnTo", returnTo);
    }

    static Request fromJson(JsonObject json) {
      return new Request(json.getString("email"), json.getBoolean("saveAnonymousCotos", false),
          json.getString("anonymousId"), json.getString("returnTo"));
    }
  }

  /** Stores a new token for the request and returns the token itself (only the mail will carry it). */
  public Future<String> issue(Request request) {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    return redis.set(List.of(key(token), request.toJson().encode(), "PX", String.valueOf(ttl.toMillis()), "NX"))
        .map(ok -> token);
  }

  /**
   * Reserves a token for one redemption: answers what it stands for, and no other redemption gets
   * it until this one {@link #consume}s it (the session was issued) or {@link #release}s it
   * (issuing failed: the link works again). A reservation lapses after {@link #RESERVATION}, so a
   * crashed instance cannot burn a link. Empty when unknown, expired, or reserved by another.
   */
  public Future<Optional<Reservation>> reserve(String token) {
    if (token == null || !FORMAT.matcher(token).matches()) {
      return Future.succeededFuture(Optional.empty());
    }
    String key = key(token);
    String holder = Long.toHexString(RANDOM.nextLong());
    return redis.eval(List.of(RESERVE, "1", key, holder, String.valueOf(System.currentTimeMillis()),
            String.valueOf(RESERVATION.toMillis())))
        .map(value -> value == null ? Optional.<Reservation>empty() : Optional.of(new Reservation(key, holder,
            Request.fromJson(new JsonObject(value.toString(StandardCharsets.UTF_8))))));
  }

  /** The session is issued: the token is gone. Fails with {@link Lost} when the reservation lapsed and another took it. */
  public Future<Void> consume(Reservation reservation) {
    return redis.eval(List.of(CONSUME, "1", reservation.key(), reservation.holder())).compose(done -> done != null
        && done.toInteger() == 1 ? Future.succeededFuture() : Future.failedFuture(new Lost()));
  }

  /** Issuing failed: the token works again (until its own expiry). Best effort: a lapsed reservation frees it too. */
  public Future<Void> release(Reservation reservation) {
    return redis.eval(List.of(RELEASE, "1", reservation.key(), reservation.holder())).mapEmpty();
  }

  /** A token held by one redemption: its key, who holds it, and what it stands for. */
  public record Reservation(String key, String holder, Request request) {
  }

  /** The reservation lapsed and another redemption took the token: this one must not sign in. */
  public static final class Lost extends RuntimeException {
    Lost() {
      super("sign-in token reservation lapsed", null, false, false);
    }
  }

  public static boolean wellFormed(String token) {
    return token != null && FORMAT.matcher(token).matches();
  }

  /** The Redis key of a token: its SHA-256, never the token. */
  public static String key(String token) {
    return PREFIX + sha256(token);
  }

  static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
