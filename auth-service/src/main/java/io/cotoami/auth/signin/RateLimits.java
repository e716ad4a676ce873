package io.cotoami.auth.signin;

import io.cotoami.common.http.Problem;
import io.cotoami.common.store.DeadlineRedis;
import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import java.time.Duration;
import java.util.List;

/**
 * Limits on sign-in requests, counted in Redis so they hold across every auth-service instance:
 * per client address per hour, and per email address one a minute and a few an hour. Fixed
 * windows: a counter per key that expires with its window.
 */
public final class RateLimits {
  /** INCR, start the window on the first hit; answers the count and the window's remaining ms. */
  private static final String COUNT = "local n = redis.call('INCR', KEYS[1]) "
      + "if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end "
      + "return {n, redis.call('PTTL', KEYS[1])}";
  private static final Duration MINUTE = Duration.ofMinutes(1);
  private static final Duration HOUR = Duration.ofHours(1);

  private final RedisAPI redis;
  private final int perIpPerHour;
  private final int perEmailPerHour;

  public RateLimits(RedisAPI redis, int perIpPerHour, int perEmailPerHour) {
    this.redis = redis;
    this.perIpPerHour = perIpPerHour;
    this.perEmailPerHour = perEmailPerHour;
  }

  /** Counts one request; fails with {@link Limited} when a limit is exceeded. */
  public Future<Void> check(String clientAddress, String email) {
    String emailKey = SigninTokens.sha256(email);
    return hit("auth:rl:ip:" + clientAddress, HOUR, perIpPerHour)
        .compose(v -> hit("auth:rl:email-min:" + emailKey, MINUTE, 1))
        .compose(v -> hit("auth:rl:email-hour:" + emailKey, HOUR, perEmailPerHour));
  }

  private Future<Void> hit(String key, Duration window, int limit) {
    List<String> args = List.of(String.valueOf(window.toMillis()));
    return DeadlineRedis.evalGuarded(redis, COUNT, List.of(key), args).compose(reply -> {
      long count = reply.get(0).toLong();
      long remainingMillis = reply.get(1).toLong();
      if (count <= limit) {
        return Future.succeededFuture();
      }
      return Future.failedFuture(new Limited(Math.max(1, (remainingMillis + 999) / 1000)));
    });
  }

  /** A limit was hit: answer 429 {@link #PROBLEM} with {@code Retry-After}. */
  public static final class Limited extends RuntimeException {
    public static final Problem PROBLEM = Problem.of(429, "too-many-requests", "Too many requests",
        "Too many sign-in requests. Please wait before asking for another link.");
    private final long retryAfterSeconds;

    Limited(long retryAfterSeconds) {
      super("rate limited", null, false, false);
      this.retryAfterSeconds = retryAfterSeconds;
    }

    public long retryAfterSeconds() {
      return retryAfterSeconds;
    }
  }
}
