package io.cotoami.auth.signin;

import io.cotoami.common.http.Problem;
import io.cotoami.common.http.ProblemException;
import java.util.regex.Pattern;

/**
 * Where a sign-in leads back to ({@code returnTo} of a sign-in request): kept with the link's
 * hash in Redis and given back when the link is redeemed, so that signing in from an invitation
 * lands in the room, in any browser. Only the site's own pages that make sense there are allowed
 * ({@code /} and {@code /cotonomas/{key}}), by an exact pattern: nothing a browser could read as
 * another site ({@code //host}, {@code /\host}, a scheme, an encoded or spaced variant) gets
 * through, because nothing but those two shapes does.
 */
public final class ReturnPaths {
  private static final Pattern ALLOWED = Pattern.compile("/|/cotonomas/[A-Za-z0-9_-]{16,64}");

  private ReturnPaths() {
  }

  /** The path to go back to, or null when none was given; anything else is 400 {@code validation}. */
  public static String validate(Object raw) {
    if (raw == null) {
      return null;
    }
    if (!(raw instanceof String path) || !ALLOWED.matcher(path).matches()) {
      throw new ProblemException(Problem.validation(
          "'returnTo' must be a page of this site: \"/\" or \"/cotonomas/{key}\"."));
    }
    return path;
  }
}
