package io.cotoami.auth.user;

import io.cotoami.common.http.Problem;
import io.cotoami.common.http.ProblemException;
import io.cotoami.common.session.SessionVerifier;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * {@code GET /api/users?ids=<id>,<id>...}: the current name and avatar of the authors a client
 * shows (coto bodies carry only {@code authorId}). Signed-in callers only; never an email.
 */
public final class PeopleRoutes {
  static final int MAX_IDS = 100;
  private final SessionVerifier verifier;
  private final UserRepository users;

  public PeopleRoutes(SessionVerifier verifier, UserRepository users) {
    this.verifier = verifier;
    this.users = users;
  }

  public void install(Router router) {
    router.get("/api/users").handler(this::people);
  }

  private void people(RoutingContext ctx) {
    List<UUID> ids = ids(ctx.request().getParam("ids"));
    SessionVerifier.tokenOf(ctx.request()).map(verifier::verify)
        .orElseGet(() -> Future.failedFuture(new ProblemException(Problem.of(401, "unauthorized", "Unauthorized",
            "Sign in first."))))
        .compose(session -> users.findAll(ids))
        .onSuccess(found -> {
          JsonArray list = new JsonArray();
          found.forEach(user -> list.add(new JsonObject().put("id", user.id().toString()).put("name", user.name())
              .put("avatarUrl", user.avatarUrl())));
          ctx.json(new JsonObject().put("users", list));
        })
        .onFailure(ctx::fail);
  }

  private static List<UUID> ids(String raw) {
    if (raw == null || raw.isBlank()) {
      throw new ProblemException(Problem.validation("'ids' must list 1 to " + MAX_IDS + " user ids, comma-separated."));
    }
    Set<UUID> ids = new LinkedHashSet<>();
    for (String part : raw.split(",", MAX_IDS + 2)) {
      try {
        ids.add(UUID.fromString(part.trim()));
      } catch (IllegalArgumentException e) {
        throw new ProblemException(Problem.validation("'ids' holds something that is not a user id."));
      }
    }
    if (ids.size() > MAX_IDS) {
      throw new ProblemException(Problem.validation("'ids' must list 1 to " + MAX_IDS + " user ids, comma-separated."));
    }
    return new ArrayList<>(ids);
  }
}
