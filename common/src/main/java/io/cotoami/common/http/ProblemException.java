package io.cotoami.common.http;

/** Thrown (or failed with) by handlers to answer with a specific problem. No stack trace is kept. */
public final class ProblemException extends RuntimeException {
  private final transient Problem problem;

  public ProblemException(Problem problem) {
    super(problem.title() + ": " + problem.detail(), null, false, false);
    this.problem = problem;
  }

  public Problem problem() {
    return problem;
  }
}
