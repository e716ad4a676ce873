package io.cotoami.coto.anonymous;

import io.cotoami.common.http.Problem;

/**
 * An anonymous write refused for now, with when to try again: the visitor's quota (429), the
 * address's rate limit (429) or a full anonymous store (503). Answered with {@code Retry-After}.
 */
public final class AnonymousRefused extends RuntimeException {
  private final transient Problem problem;
  private final long retryAfterSeconds;

  private AnonymousRefused(Problem problem, long retryAfterSeconds) {
    super(problem.title(), null, false, false);
    this.problem = problem;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  static AnonymousRefused overQuota(AnonymousConfig.Quota quota, long retryAfterSeconds) {
    return new AnonymousRefused(Problem.of(429, "anonymous-quota-exceeded", "Anonymous quota exceeded",
        "Without signing in you can keep up to " + quota.cotos() + " cotos (" + quota.bytes() / 1024
            + " KiB). Delete some, or sign in to keep more."), retryAfterSeconds);
  }

  static AnonymousRefused rateLimited(long retryAfterSeconds) {
    return new AnonymousRefused(Problem.of(429, "too-many-requests", "Too many requests",
        "Too many anonymous posts from your address. Please wait, or sign in."), retryAfterSeconds);
  }

  static AnonymousRefused storeFull() {
    return new AnonymousRefused(Problem.of(503, "anonymous-store-full", "Anonymous store full",
        "Cotoami cannot keep more anonymous cotos right now. Please retry later, or sign in."), 60);
  }

  public Problem problem() {
    return problem;
  }

  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
