package io.cotoami.auth.user;

import io.cotoami.common.bus.Addresses;
import io.cotoami.common.bus.BusHeaders;
import io.cotoami.common.bus.UserRename;
import io.cotoami.common.http.JsonBodies;
import io.cotoami.common.http.Problem;
import io.cotoami.common.http.ProblemException;
import io.cotoami.common.http.RequestIds;
import io.cotoami.common.session.SameOrigin;
import io.cotoami.common.session.Session;
import io.cotoami.common.session.SessionVerifier;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/users/me} and {@code PUT /api/users/me} (the caller's display name). A rename is
 * announced to coto-service ({@link Addresses#USER_RENAMES_ANNOUNCE}), which tells every timeline
 * showing the person, so that open pages show the new name without a reload.
 */
public final class ProfileRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(ProfileRoutes.class);
  private final Vertx vertx;
  private final SessionVerifier verifier;
  private final UserRepository users;
  private final Duration busTimeout;

  public ProfileRoutes(Vertx vertx, SessionVerifier verifier, UserRepository users, Duration busTimeout) {
    this.vertx = vertx;
    this.verifier = verifier;
    this.users = users;
    this.busTimeout = busTimeout;
  }

  public void install(Router router, BodyHandler body, SameOrigin sameOrigin) {
    router.get("/api/users/me").handler(this::me);
    router.put("/api/users/me").handler(body).handler(sameOrigin).handler(this::rename);
  }

  private void me(RoutingContext ctx) {
    authenticated(ctx)
        .compose(session -> users.find(UUID.fromString(session.userId())))
        .onSuccess(user -> user.ifPresentOrElse(u -> ctx.json(u.toJson()), () -> ctx.fail(unauthorized())))
        .onFailure(ctx::fail);
  }

  private void rename(RoutingContext ctx) {
    JsonObject body = JsonBodies.object(ctx);
    String raw = JsonBodies.optionalString(body, "name");
    String name = raw == null ? "" : raw.strip();
    if (name.isEmpty() || name.codePointCount(0, name.length()) > 50 || name.chars().anyMatch(Character::isISOControl)) {
      throw new ProblemException(Problem.validation("'name' must be 1 to 50 characters, without control characters."));
    }
    authenticated(ctx)
        .compose(session -> users.rename(UUID.fromString(session.userId()), name))
        .onSuccess(user -> user.ifPresentOrElse(u -> {
          announce(u, RequestIds.of(ctx));
          ctx.json(u.toJson());
        }, () -> ctx.fail(unauthorized())))
        .onFailure(ctx::fail);
  }

  /**
   * The name is saved whatever happens here: if coto-service does not hear of it now, pages still
   * learn it from {@code GET /api/users} when they next ask (the page asks every 30 s).
   */
  private void announce(User user, String requestId) {
    vertx.eventBus().request(Addresses.USER_RENAMES_ANNOUNCE,
            new UserRename(user.id().toString(), user.email(), user.name()).toJson(),
            BusHeaders.withRequestId(requestId, busTimeout))
        .onFailure(e -> LOG.atWarn().addKeyValue("requestId", requestId)
            .log("The rename of user {} was not announced live: {}", user.id(), e.getMessage()));
  }

  /** The caller's session, allowed this request's method by its scope; none is 401. */
  private Future<Session> authenticated(RoutingContext ctx) {
    return verifier.verifyFor(ctx.request())
        .compose(session -> session == null ? Future.failedFuture(unauthorized()) : Future.succeededFuture(session));
  }

  private static ProblemException unauthorized() {
    return new ProblemException(Problem.of(401, "unauthorized", "Unauthorized", "Sign in first."));
  }
}
