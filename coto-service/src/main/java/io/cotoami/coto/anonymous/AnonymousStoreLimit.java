package io.cotoami.coto.anonymous;

import io.cotoami.common.config.ConfigException;
import io.cotoami.common.config.Env;
import java.util.List;

/**
 * How full the anonymous Redis may get: every anonymous write (a post, an edit, a new rate-limit
 * counter) is refused, in the same script and so atomically, when Redis's used memory plus what
 * the write may take would pass the limit. The limit sits below {@code maxmemory} (by default at
 * 90% of it), so that Redis itself never reaches its maxmemory: its own buffers, clients and
 * table growth have the rest, and nothing ever gets an {@code OOM}.
 *
 * @param bytes   a limit in bytes; 0 when it is a share of {@code maxmemory}
 * @param percent the share of Redis's {@code maxmemory} ({@code bytes} 0); with no maxmemory, no limit
 */
public record AnonymousStoreLimit(long bytes, int percent) {
  /**
   * {@code room(cost)}: whether a write of about {@code cost} bytes fits. A Lua prelude of every
   * anonymous write script; ARGV[n] and ARGV[n+1] are {@link #args()}.
   */
  static String prelude(int firstArg) {
    return String.join("\n",
        "local function room(cost)",
        "  local info = redis.call('INFO', 'memory')",
        "  local limit = tonumber(ARGV[" + firstArg + "])",
        "  if limit == 0 then",
        "    local max = tonumber(string.match(info, 'maxmemory:(%d+)')) or 0",
        "    if max == 0 then return true end",
        "    limit = math.floor(max * tonumber(ARGV[" + (firstArg + 1) + "]) / 100)",
        "  end",
        "  return tonumber(string.match(info, 'used_memory:(%d+)')) + cost <= limit",
        "end",
        "");
  }

  /**
   * What a write of {@code bytes} of data may add to Redis's memory, at most: each byte may be held
   * twice (a hash's encoded value and the allocator's rounding), plus the keys, entries and
   * expiries a visitor's first post creates.
   */
  static long cost(long bytes) {
    return 2 * bytes + 2048;
  }

  /** {@code ANONYMOUS_STORE_LIMIT}: {@code 90%} (of maxmemory) by default, or a size such as {@code 48m}. */
  public static AnonymousStoreLimit fromEnv(Env env) {
    String raw = env.string("ANONYMOUS_STORE_LIMIT", "90%").trim();
    if (raw.endsWith("%")) {
      int percent;
      try {
        percent = Integer.parseInt(raw.substring(0, raw.length() - 1).trim());
      } catch (NumberFormatException e) {
        percent = -1;
      }
      if (percent < 1 || percent > 99) {
        throw new ConfigException("Invalid ANONYMOUS_STORE_LIMIT='" + raw
            + "': expected a share of maxmemory from 1% to 99%, or a size such as 48m");
      }
      return new AnonymousStoreLimit(0, percent);
    }
    long bytes = env.bytes("ANONYMOUS_STORE_LIMIT", 0);
    if (bytes < 1) {
      throw new ConfigException("Invalid ANONYMOUS_STORE_LIMIT='" + raw
          + "': expected a share of maxmemory from 1% to 99%, or a size such as 48m");
    }
    return new AnonymousStoreLimit(bytes, 0);
  }

  /** The two script arguments {@link #prelude} reads. */
  List<String> args() {
    return List.of(String.valueOf(bytes), String.valueOf(percent));
  }
}
