package io.cotoami.common.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one rule for what of a URL may be written to a log: the path segment after
 * {@code /signin/} (an emailed sign-in token) and the values of query parameters that carry
 * secrets are replaced by {@code (redacted)}. Every access log and error log line that names a
 * path goes through here, on every service.
 */
public final class Redaction {
  public static final String REDACTED = "(redacted)";
  /** Path prefixes whose next segment is a secret. */
  private static final Pattern SECRET_SEGMENT = Pattern.compile("(/signin/)[^/?#]+", Pattern.CASE_INSENSITIVE);
  /** Query parameters whose value is a secret, lower-cased. */
  private static final Set<String> SECRET_PARAMETERS = Set.of("token", "access_token", "refresh_token", "id_token",
      "code", "key", "secret", "password", "signature", "sig", "session", "auth", "authorization", "jwt");
  private static final int MAX_LENGTH = 200;

  private Redaction() {
  }

  /** A path or a whole request URI ({@code path?query}) with its secrets replaced, at most 200 characters. */
  public static String uri(String uri) {
    if (uri == null || uri.isEmpty()) {
      return "/";
    }
    int fragment = uri.indexOf('#');
    String withoutFragment = fragment < 0 ? uri : uri.substring(0, fragment);
    int question = withoutFragment.indexOf('?');
    String path = question < 0 ? withoutFragment : withoutFragment.substring(0, question);
    String redacted = SECRET_SEGMENT.matcher(decoded(path)).replaceAll("$1" + Matcher.quoteReplacement(REDACTED));
    if (question >= 0) {
      redacted += "?" + query(withoutFragment.substring(question + 1));
    }
    return redacted.length() > MAX_LENGTH ? redacted.substring(0, MAX_LENGTH) + "…" : redacted;
  }

  /**
   * Percent-decoded, so {@code /%73ignin/<token>} is caught too; a path that does not decode is
   * cut after its first segment, since we cannot tell what it hides.
   */
  private static String decoded(String path) {
    if (path.indexOf('%') < 0) {
      return path;
    }
    try {
      return URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      int second = path.indexOf('/', 1);
      return second < 0 ? path : path.substring(0, second + 1) + REDACTED;
    }
  }

  private static String query(String query) {
    StringBuilder out = new StringBuilder();
    for (String pair : query.split("&", -1)) {
      if (out.length() > 0) {
        out.append('&');
      }
      int equals = pair.indexOf('=');
      String name = equals < 0 ? pair : pair.substring(0, equals);
      if (equals >= 0 && SECRET_PARAMETERS.contains(name.toLowerCase(Locale.ROOT))) {
        out.append(name).append('=').append(REDACTED);
      } else {
        out.append(pair);
      }
    }
    return out.toString();
  }
}
