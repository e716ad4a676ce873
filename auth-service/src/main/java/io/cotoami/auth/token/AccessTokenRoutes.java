package io.cotoami.auth.token;

import io.cotoami.auth.session.Revocations;
import io.cotoami.auth.session.SessionIssuer;
import io.cotoami.auth.user.UserRepository;
import io.cotoami.common.bus.Addresses;
import io.cotoami.common.http.JsonBodies;
import io.cotoami.common.http.Problem;
import io.cotoami.common.http.ProblemException;
import io.cotoami.common.http.Timestamps;
import io.cotoami.common.session.Session;
import io.cotoami.common.session.SessionVerifier;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Personal access tokens, for scripts and integrations: {@code POST}, {@code GET
 * /api/users/me/tokens} and {@code DELETE /api/users/me/tokens/{id}}. A token is a session token
 * with a scope ({@code read} or {@code read-write}) and an optional expiry, sent as
 * {@code Authorization: Bearer}; it is shown once, in the answer that creates it, and stored only
 * as its SHA-256. Revoking one goes through the sign-out machinery, so every instance refuses it
 * within the revocation bound. Only a signed-in person manages tokens: a token cannot make,
 * list or revoke tokens.
 */
public final class AccessTokenRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(AccessTokenRoutes.class);
  /** Active tokens a user may have at once. */
  static final int MAX_TOKENS = 50;
  static final String PATH = "/api/users/me/tokens";

  private final SessionVerifier verifier;
  private final SessionIssuer issuer;
  private final UserRepository users;
  private final AccessTokenRepository tokens;
  private final Revocations revocations;

  public AccessTokenRoutes(SessionVerifier verifier, SessionIssuer issuer, UserRepository users,
                           AccessTokenRepository tokens, Revocations revocations) {
    this.verifier = verifier;
    this.issuer = issuer;
    this.users = users;
    this.tokens = tokens;
    this.revocations = revocations;
  }

  /** The routes, behind the body and same-origin handlers of the writes; and the last-use recorder. */
  public Future<Void> install(Vertx vertx, Router router, Handler<RoutingContext> body, Handler<RoutingContext> sameOrigin) {
    router.post(PATH).handler(body).handler(sameOrigin).handler(this::create);
    router.get(PATH).handler(this::list);
    router.delete(PATH + "/:id").handler(sameOrigin).handler(this::revoke);
    return vertx.eventBus().<JsonObject>consumer(Addresses.ACCESS_TOKEN_USED, message -> {
      String id = message.body().getString("tokenId");
      Long at = message.body().getLong("at");
      if (id != null && at != null) {
        tokens.used(id, Instant.ofEpochMilli(at))
            .onFailure(e -> LOG.debug("Last use of a token not recorded: {}", e.getMessage()));
      }
    }).completion();
  }

  private void create(RoutingContext ctx) {
    JsonObject body = JsonBodies.object(ctx);
    String rawName = JsonBodies.optionalString(body, "name");
    String name = rawName == null ? "" : rawName.strip();
    if (name.isEmpty() || name.codePointCount(0, name.length()) > 100 || name.chars().anyMatch(Character::isISOControl)) {
      throw new ProblemException(Problem.validation("'name' must be 1 to 100 characters, without control characters."));
    }
    String scope = JsonBodies.optionalString(body, "scope");
    if (!Session.SCOPE_READ.equals(scope) && !Session.SCOPE_READ_WRITE.equals(scope)) {
      throw new ProblemException(Problem.validation("'scope' must be \"read\" or \"read-write\"."));
    }
    Instant expiresAt = expiry(JsonBodies.optionalString(body, "expiresAt"));
    Instant createdAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    String id = UUID.randomUUID().toString();
    person(ctx)
        .compose(session -> users.find(UUID.fromString(session.userId())))
        .compose(user -> user.map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(unauthorized())))
        .compose(user -> {
          String token = issuer.issueAccessToken(user, id, scope, createdAt, expiresAt);
          return tokens.insert(id, user.id(), name, scope, sha256(token), createdAt, expiresAt, MAX_TOKENS)
              .compose(stored -> stored.map(listed -> Future.succeededFuture(json(listed).put("token", token)))
                  .orElseGet(() -> Future.failedFuture(new ProblemException(Problem.of(409, "conflict", "Conflict",
                      "You already have " + MAX_TOKENS + " tokens; revoke one first.")))));
        })
        .onSuccess(answer -> {
          // Shown once: nothing may keep a copy of this answer.
          ctx.response().setStatusCode(201).putHeader("Cache-Control", "no-store");
          ctx.json(answer);
        })
        .onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx) {
    person(ctx)
        .compose(session -> tokens.list(UUID.fromString(session.userId())))
        .onSuccess(found -> {
          JsonArray list = new JsonArray();
          found.forEach(listed -> list.add(json(listed)));
          ctx.json(new JsonObject().put("tokens", list));
        })
        .onFailure(ctx::fail);
  }

  /** Revokes on every instance; revoking a revoked token again answers 204 and publishes it again. */
  private void revoke(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    person(ctx)
        .compose(session -> tokens.revoke(id, UUID.fromString(session.userId())))
        .compose(expiry -> expiry.map(at -> revocations.revokeToken(AccessTokenRepository.revocation(id, at.orElse(null))))
            .orElseGet(() -> Future.failedFuture(new ProblemException(Problem.notFound("No such token.")))))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  /** The caller, who must be a signed-in person: no token, or a bad one, is 401; a token is 403. */
  private Future<Session> person(RoutingContext ctx) {
    return verifier.verifyFor(ctx.request())
        .compose(session -> session == null ? Future.failedFuture(unauthorized()) : Future.succeededFuture(session))
        .compose(SessionVerifier::signedInPerson);
  }

  private static Instant expiry(String raw) {
    if (raw == null) {
      return null;
    }
    Instant at;
    try {
      // Whole seconds: what the token's exp claim can say.
      at = OffsetDateTime.parse(raw).toInstant().truncatedTo(ChronoUnit.SECONDS);
    } catch (DateTimeParseException e) {
      throw new ProblemException(Problem.validation("'expiresAt' must be an RFC 3339 date-time."));
    }
    if (!at.isAfter(Instant.now())) {
      throw new ProblemException(Problem.validation("'expiresAt' must be in the future."));
    }
    return at;
  }

  private static JsonObject json(AccessTokenRepository.Listed listed) {
    return new JsonObject().put("id", listed.id()).put("name", listed.name()).put("scope", listed.scope())
        .put("createdAt", Timestamps.format(listed.createdAt()))
        .put("expiresAt", Timestamps.format(listed.expiresAt()))
        .put("lastUsedAt", Timestamps.format(listed.lastUsedAt()));
  }

  static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ProblemException unauthorized() {
    return new ProblemException(Problem.of(401, "unauthorized", "Unauthorized", "Sign in first."));
  }
}
