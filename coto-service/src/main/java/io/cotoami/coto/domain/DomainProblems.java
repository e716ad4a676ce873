package io.cotoami.coto.domain;

import io.cotoami.common.http.Problem;
import io.cotoami.common.http.ProblemException;

/** The problems the memo domain answers with; their types are documented in docs/api.md. */
public final class DomainProblems {
  private DomainProblems() {
  }

  /** Also what a non-member gets for a cotonoma that exists: a key is never confirmed to outsiders. */
  public static ProblemException notFound(String what) {
    return new ProblemException(Problem.notFound("No " + what + " here, or it is not shared with you."));
  }

  public static ProblemException forbidden(String detail) {
    return new ProblemException(Problem.of(403, "forbidden", "Forbidden", detail));
  }

  public static ProblemException signInRequired(String detail) {
    return new ProblemException(Problem.of(401, "unauthorized", "Sign-in required", detail));
  }

  public static ProblemException nameTaken() {
    return new ProblemException(Problem.of(409, "name-taken", "Name taken",
        "You already have a cotonoma with this name."));
  }

  public static ProblemException cotonomaNotEmpty() {
    return new ProblemException(Problem.of(409, "cotonoma-not-empty", "Cotonoma not empty",
        "This cotonoma still holds cotos: delete or move them first."));
  }

  public static ProblemException cotoIsCotonoma() {
    return new ProblemException(Problem.of(409, "coto-is-cotonoma", "Coto is a cotonoma",
        "This coto stands for a cotonoma: rename or delete the cotonoma instead."));
  }

  public static ProblemException tooLongForAName(int max) {
    return new ProblemException(Problem.of(409, "coto-too-long-for-a-name", "Coto too long for a name",
        "A cotonoma's name is one line of at most " + max + " characters: shorten the coto first."));
  }

  public static ProblemException cotoIsRepost() {
    return new ProblemException(Problem.of(409, "coto-is-repost", "Coto is a repost",
        "A repost shows its original: edit the original, or delete the repost."));
  }

  public static ProblemException cannotRepost(String detail) {
    return new ProblemException(Problem.of(409, "cannot-repost", "Cannot repost", detail));
  }

  public static ProblemException invalid(String detail) {
    return new ProblemException(Problem.validation(detail));
  }

  /** A bound of {@code GraphConfig} reached: what {@code detail} says, and which variable sets it. */
  public static ProblemException graphLimit(String detail) {
    return new ProblemException(Problem.of(409, "graph-limit", "Graph limit reached", detail));
  }

  public static ProblemException alreadyPinned() {
    return new ProblemException(Problem.of(409, "already-pinned", "Conflict", "This coto is pinned there already."));
  }

  public static ProblemException alreadyConnected() {
    return new ProblemException(Problem.of(409, "already-connected", "Conflict",
        "These cotos are connected that way already."));
  }
}
