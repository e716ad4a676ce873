package io.cotoami.common.session;

import io.cotoami.common.bus.TimelineNames;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpServerRequest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code anonymous_id} cookie that ties anonymous cotos to one browser: 128 random bits in
 * URL-safe base64 (22 characters). Possession is the only proof, so it must not be guessable, and
 * it never travels on the bus in clear: events carry {@link #timeline()}, a hash of it. The one
 * owner of its name, format and parse for auth-service, coto-service and the gateway.
 */
public record AnonymousId(String value) {
  public static final String COOKIE = "anonymous_id";
  private static final Pattern FORMAT = Pattern.compile("[A-Za-z0-9_-]{22}");
  private static final SecureRandom RANDOM = new SecureRandom();

  public AnonymousId {
    if (value == null || !FORMAT.matcher(value).matches()) {
      throw new IllegalArgumentException("not an anonymous id");
    }
  }

  /** The id, when {@code raw} is one we could have issued; anything else is no id at all. */
  public static Optional<AnonymousId> parse(String raw) {
    return raw != null && FORMAT.matcher(raw).matches() ? Optional.of(new AnonymousId(raw)) : Optional.empty();
  }

  /** The id the request's cookie carries, if it is well formed. */
  public static Optional<AnonymousId> of(HttpServerRequest request) {
    Cookie cookie = request.getCookie(COOKIE);
    return cookie == null ? Optional.empty() : parse(cookie.getValue());
  }

  public static AnonymousId generate() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return new AnonymousId(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
  }

  /** The name of this visitor's timeline on the bus (a hash: the id must not travel). */
  public String timeline() {
    return TimelineNames.anonymous(value);
  }

  /** The cookie that keeps the id {@code maxAge} from now (as long as the data it points to). */
  public Cookie cookie(Duration maxAge, boolean secure) {
    return Cookie.cookie(COOKIE, value)
        .setPath("/")
        .setHttpOnly(true)
        .setSecure(secure)
        .setSameSite(CookieSameSite.LAX)
        .setMaxAge(maxAge.toSeconds());
  }

  /** Never the id itself: logs and exception messages must not carry the visitor's proof. */
  @Override
  public String toString() {
    return "AnonymousId[" + timeline() + "]";
  }
}
