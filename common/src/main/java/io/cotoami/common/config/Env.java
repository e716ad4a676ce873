package io.cotoami.common.config;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads configuration from environment variables, once, at start. Every parse error names the
 * variable, the value and what was expected, so a misconfigured process fails with one clear line.
 */
public final class Env {
  private final Map<String, String> vars;

  public Env(Map<String, String> vars) {
    this.vars = Map.copyOf(vars);
  }

  public static Env system() {
    return new Env(System.getenv());
  }

  public String string(String name, String defaultValue) {
    String value = vars.get(name);
    return value == null || value.isBlank() ? defaultValue : value.trim();
  }

  public String required(String name) {
    String value = string(name, null);
    if (value == null) {
      throw new ConfigException(name + " is required but not set");
    }
    return value;
  }

  public int port(String name, int defaultValue) {
    int port = integer(name, defaultValue);
    if (port < 0 || port > 65535) {
      throw invalid(name, String.valueOf(port), "a port number from 0 to 65535");
    }
    return port;
  }

  public int integer(String name, int defaultValue) {
    return parse(name, defaultValue, Integer::parseInt, "an integer");
  }

  /** An integer from {@code min} to {@code max} (inclusive). */
  public int integer(String name, int defaultValue, int min, int max) {
    int value = integer(name, defaultValue);
    if (value < min || value > max) {
      throw invalid(name, string(name, String.valueOf(value)), "an integer from " + min + " to " + max);
    }
    return value;
  }

  public long bytes(String name, long defaultValue) {
    return parse(name, defaultValue, Env::parseBytes, "a size such as 65536, 64k or 1m");
  }

  public boolean bool(String name, boolean defaultValue) {
    return parse(name, defaultValue, Env::parseBool, "true or false");
  }

  /** Durations as {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 30d} or ISO-8601 ({@code PT30S}). */
  public Duration duration(String name, Duration defaultValue) {
    return parse(name, defaultValue, Env::parseDuration, "a duration such as 500ms, 30s, 5m or 30d");
  }

  /** A duration from {@code min} to {@code max} (inclusive). */
  public Duration duration(String name, Duration defaultValue, Duration min, Duration max) {
    Duration value = duration(name, defaultValue);
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw invalid(name, string(name, value.toString()), "a duration from " + show(min) + " to " + show(max));
    }
    return value;
  }

  /** An absolute {@code http} or {@code https} URL with a host; a trailing slash is dropped. */
  public URI httpUrl(String name, String defaultValue) {
    String raw = string(name, defaultValue);
    try {
      URI uri = URI.create(raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw);
      if (uri.getHost() == null || uri.getScheme() == null || !uri.getScheme().matches("https?")) {
        throw new IllegalArgumentException(raw);
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw invalid(name, raw, "an http(s) URL such as https://cotoami.example");
    }
  }

  /**
   * {@code PUBLIC_URL}, where browsers reach Cotoami: the gateway's allowed origin and the base of
   * every mailed link, so gateway, auth-service and coto-service must agree on it. Required outside
   * dev mode; with {@code DEV_MODE=true} it defaults to {@code http://localhost:8080}.
   */
  public URI publicUrl() {
    String raw = string("PUBLIC_URL", bool("DEV_MODE", false) ? "http://localhost:8080" : null);
    if (raw == null) {
      throw new ConfigException("PUBLIC_URL is required: the address browsers use, such as https://cotoami.example,"
          + " the same on the gateway, auth-service and coto-service (with DEV_MODE=true it defaults to"
          + " http://localhost:8080)");
    }
    return httpUrl("PUBLIC_URL", raw);
  }

  public <E extends Enum<E>> E choice(String name, E defaultValue, Class<E> type) {
    String raw = string(name, null);
    if (raw == null) {
      return defaultValue;
    }
    try {
      return Enum.valueOf(type, raw.toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      StringBuilder allowed = new StringBuilder();
      for (E constant : type.getEnumConstants()) {
        allowed.append(allowed.length() == 0 ? "" : ", ").append(constant.name().toLowerCase(Locale.ROOT));
      }
      throw invalid(name, raw, "one of " + allowed);
    }
  }

  private <T> T parse(String name, T defaultValue, Function<String, T> parser, String expected) {
    String raw = string(name, null);
    if (raw == null) {
      return defaultValue;
    }
    try {
      return parser.apply(raw);
    } catch (RuntimeException e) {
      throw invalid(name, raw, expected);
    }
  }

  private static ConfigException invalid(String name, String value, String expected) {
    return new ConfigException("Invalid " + name + "='" + value + "': expected " + expected);
  }

  private static String show(Duration d) {
    long ms = d.toMillis();
    if (ms % 1000 != 0) {
      return ms + "ms";
    }
    long seconds = ms / 1000;
    return seconds % 60 != 0 || seconds == 0 ? seconds + "s" : seconds / 60 + "m";
  }

  private static boolean parseBool(String raw) {
    switch (raw.toLowerCase(Locale.ROOT)) {
      case "true": case "yes": case "1": case "on": return true;
      case "false": case "no": case "0": case "off": return false;
      default: throw new IllegalArgumentException(raw);
    }
  }

  static long parseBytes(String raw) {
    String s = raw.toLowerCase(Locale.ROOT);
    long factor = 1;
    if (s.endsWith("k") || s.endsWith("m") || s.endsWith("g")) {
      factor = s.endsWith("k") ? 1024L : s.endsWith("m") ? 1024L * 1024 : 1024L * 1024 * 1024;
      s = s.substring(0, s.length() - 1);
    }
    long value = Long.parseLong(s) * factor;
    if (value <= 0) {
      throw new IllegalArgumentException(raw);
    }
    return value;
  }

  static Duration parseDuration(String raw) {
    String s = raw.toLowerCase(Locale.ROOT);
    if (s.startsWith("p")) {
      return Duration.parse(raw);
    }
    Duration d;
    if (s.endsWith("ms")) {
      d = Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
    } else if (s.endsWith("s")) {
      d = Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)));
    } else if (s.endsWith("m")) {
      d = Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1)));
    } else if (s.endsWith("h")) {
      d = Duration.ofHours(Long.parseLong(s.substring(0, s.length() - 1)));
    } else if (s.endsWith("d")) {
      d = Duration.ofDays(Long.parseLong(s.substring(0, s.length() - 1)));
    } else {
      throw new IllegalArgumentException(raw);
    }
    if (d.isNegative()) {
      throw new IllegalArgumentException(raw);
    }
    return d;
  }
}
