package io.cotoami.coto.anonymous;

import io.cotoami.common.bus.TimelineNames;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * The {@code anonymous_id} cookie that ties anonymous cotos to one browser. It is 128 random bits:
 * possession is the only proof, so it must not be guessable.
 */
public final class AnonymousIds {
  public static final String COOKIE = "anonymous_id";
  private static final Pattern FORMAT = Pattern.compile("[A-Za-z0-9_-]{22}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private AnonymousIds() {
  }

  /** The visitor's id, or null when the cookie is absent or not one we could have issued. */
  public static String existing(RoutingContext ctx) {
    Cookie cookie = ctx.request().getCookie(COOKIE);
    return cookie != null && FORMAT.matcher(cookie.getValue()).matches() ? cookie.getValue() : null;
  }

  /** The visitor's id, issuing a new cookie when there is none. */
  public static String existingOrNew(RoutingContext ctx, Duration retention) {
    String id = existing(ctx);
    if (id == null) {
      byte[] bytes = new byte[16];
      RANDOM.nextBytes(bytes);
      id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
    refresh(ctx, id, retention);
    return id;
  }

  /** Sets the cookie again so that it lives as long as the data: {@code retention} from the last use. */
  public static void refresh(RoutingContext ctx, String id, Duration retention) {
    boolean https = "https".equalsIgnoreCase(ctx.request().getHeader("X-Forwarded-Proto"));
    ctx.response().addCookie(Cookie.cookie(COOKIE, id)
        .setPath("/")
        .setHttpOnly(true)
        .setSecure(https)
        .setSameSite(CookieSameSite.LAX)
        .setMaxAge(retention.toSeconds()));
  }

  /** The name of a visitor's timeline on the event bus (a hash: the id must not travel). */
  public static String timeline(String id) {
    return TimelineNames.anonymous(id);
  }
}
