package io.cotoami.coto.anonymous;

import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;

/**
 * Anonymous posts and edits per client address, counted in the anonymous Redis so that the limit
 * holds across every coto-service instance and its keys can never fill the main Redis. A fixed
 * window: a counter per address that expires with its window. IPv6 addresses count per /64, the
 * block one subscriber usually gets.
 */
final class AnonymousWriteLimits {
  /**
   * INCR, start the window on the first hit; answers the count and the window's remaining ms, or
   * {-1} when a new counter finds no room in the store ({@link AnonymousStoreLimit}).
   */
  private static final String COUNT = AnonymousStoreLimit.prelude(2)
      + "if redis.call('EXISTS', KEYS[1]) == 0 and not room(" + AnonymousStoreLimit.cost(100) + ") then "
      + "return {-1, 0} end "
      + "local n = redis.call('INCR', KEYS[1]) "
      + "if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end "
      + "return {n, redis.call('PTTL', KEYS[1])}";

  private final RedisAPI redis;
  private final int limit;
  private final Duration window;
  private final AnonymousStoreLimit storeLimit;

  AnonymousWriteLimits(RedisAPI redis, int limit, Duration window, AnonymousStoreLimit storeLimit) {
    this.redis = redis;
    this.limit = limit;
    this.window = window;
    this.storeLimit = storeLimit;
  }

  /** Counts one write from {@code address}; fails with a 429 {@link AnonymousRefused} past the limit. */
  Future<Void> hit(String address) {
    List<String> args = new java.util.ArrayList<>(List.of(COUNT, "1", "anon-rl:{" + bucket(address) + "}",
        String.valueOf(window.toMillis())));
    args.addAll(storeLimit.args());
    return redis.eval(args)
        .compose(reply -> reply.get(0).toLong() < 0 ? Future.<Void>failedFuture(AnonymousRefused.storeFull())
            : reply.get(0).toLong() <= limit ? Future.<Void>succeededFuture()
            : Future.failedFuture(AnonymousRefused.rateLimited(Math.max(1, (reply.get(1).toLong() + 999) / 1000))));
  }

  /** The address itself, or the /64 of an IPv6 address. Never a name lookup. */
  static String bucket(String address) {
    if (address.indexOf(':') < 0) {
      return address;
    }
    try {
      // In brackets, a string that is not an IPv6 literal fails here instead of being looked up.
      String literal = address.startsWith("[") ? address : "[" + address + "]";
      byte[] bytes = InetAddress.getByName(literal).getAddress();
      if (bytes.length != 16) {
        return address;
      }
      StringBuilder prefix = new StringBuilder();
      for (int i = 0; i < 8; i += 2) {
        prefix.append(String.format("%02x%02x:", bytes[i], bytes[i + 1]));
      }
      return prefix.append(":/64").toString();
    } catch (UnknownHostException | RuntimeException e) {
      return address;
    }
  }
}
