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
 * token (so a copy of Redis cannot sign anyone in), with a TTL; redeeming is one {@code GETDEL},
 * so a token works once however many requests race for it.
 */
public final class SigninTokens {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern FORMAT = Pattern.compile("[A-Za-z0-9_-]{43}");
  private static final String PREFIX = "auth:signin:";

  private final RedisAPI redis;
  private final Duration ttl;

  public SigninTokens(RedisAPI redis, Duration ttl) {
    this.redis = redis;
    this.ttl = ttl;
  }

  /** What a token stands for: who asked, and whether to move that browser's anonymous cotos. */
  public record Request(String email, boolean saveAnonymousCotos, String anonymousId) {
    JsonObject toJson() {
      return new JsonObject().put("email", email).put("saveAnonymousCotos", saveAnonymousCotos)
          .put("anonymousId", anonymousId);
    }

    static Request fromJson(JsonObject json) {
      return new Request(json.getString("email"), json.getBoolean("saveAnonymousCotos", false),
          json.getString("anonymousId"));
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

  /** The request behind a token, once: the token is gone after this. Empty when unknown or expired. */
  public Future<Optional<Request>> redeem(String token) {
    if (token == null || !FORMAT.matcher(token).matches()) {
      return Future.succeededFuture(Optional.empty());
    }
    return redis.getdel(key(token)).map(value -> value == null
        ? Optional.<Request>empty()
        : Optional.of(Request.fromJson(new JsonObject(value.toString(StandardCharsets.UTF_8)))));
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
