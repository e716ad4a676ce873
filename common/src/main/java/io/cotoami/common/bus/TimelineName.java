package io.cotoami.common.bus;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A timeline as a client names it when it subscribes ({@code home} or {@code cotonoma:<key>}),
 * parsed in one place for the gateway, which reads the client's frame, and coto-service, which
 * opens the timeline; and the one rule for the name its events carry on the bus
 * ({@link TimelineNames}).
 */
public record TimelineName(String cotonomaKey) {
  private static final String COTONOMA = "cotonoma:";
  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  /** A signed-in user's or a visitor's own home. */
  public static final TimelineName HOME = new TimelineName(null);

  public TimelineName {
    if (cotonomaKey != null && !KEY.matcher(cotonomaKey).matches()) {
      throw new IllegalArgumentException("not a cotonoma key");
    }
  }

  /** {@code home} or {@code cotonoma:<key>} (a key of at most 64 URL-safe characters); empty for anything else. */
  public static Optional<TimelineName> parse(String text) {
    if ("home".equals(text)) {
      return Optional.of(HOME);
    }
    if (text != null && text.startsWith(COTONOMA) && KEY.matcher(text.substring(COTONOMA.length())).matches()) {
      return Optional.of(new TimelineName(text.substring(COTONOMA.length())));
    }
    return Optional.empty();
  }

  public boolean isHome() {
    return cotonomaKey == null;
  }

  /**
   * The name this timeline's events carry on the bus for a reader: a signed-in user's home is
   * theirs, a visitor's home is their hashed one ({@code anonymousTimeline}, from
   * {@code AnonymousId.timeline()}), a cotonoma is the same for everyone. Empty when nobody
   * reads it: no user and no visitor, or a visitor naming a cotonoma (only users follow them).
   * Whether a user may open that cotonoma is coto-service's to decide.
   */
  public Optional<String> busName(String userId, String anonymousTimeline) {
    if (!isHome()) {
      return userId == null ? Optional.empty() : Optional.of(TimelineNames.cotonoma(cotonomaKey));
    }
    return userId != null ? Optional.of(TimelineNames.home(userId)) : Optional.ofNullable(anonymousTimeline);
  }

  /** What the client sent: {@code home} or {@code cotonoma:<key>}. */
  @Override
  public String toString() {
    return isHome() ? "home" : COTONOMA + cotonomaKey;
  }
}
