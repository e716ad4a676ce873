package io.cotoami.coto.search;

import io.cotoami.common.http.Problem;
import io.cotoami.common.http.ProblemException;

/**
 * What to search for: {@code q} (1 to {@value #MAX_LENGTH} characters, not only whitespace) and,
 * optionally, the cotonoma whose timeline to search.
 */
public record SearchQuery(String text, String cotonomaKey) {
  public static final int MAX_LENGTH = 200;

  /** Checks the raw parameters; a bad {@code q} is a 400 validation problem. */
  public static SearchQuery of(String q, String cotonomaKey) {
    if (q == null || q.isBlank() || q.codePointCount(0, q.length()) > MAX_LENGTH) {
      throw new ProblemException(Problem.validation(
          "'q' must be from 1 to " + MAX_LENGTH + " characters, not only spaces."));
    }
    return new SearchQuery(q, cotonomaKey == null || cotonomaKey.isEmpty() ? null : cotonomaKey);
  }
}
