package io.cotoami.auth.api;

import io.cotoami.auth.AuthSettings;
import io.cotoami.auth.session.Revocations;
import io.cotoami.auth.session.SessionIssuer;
import io.cotoami.auth.signin.Emails;
import io.cotoami.auth.signin.MailOutbox;
import io.cotoami.auth.signin.RateLimits;
import io.cotoami.auth.signin.SigninMail;
import io.cotoami.auth.signin.SigninTokens;
import io.cotoami.auth.user.PeopleRoutes;
import io.cotoami.auth.user.User;
import io.cotoami.auth.user.UserRepository;
import io.cotoami.common.bus.Addresses;
import io.cotoami.common.bus.BusHeaders;
import io.cotoami.common.http.JsonBodies;
import io.cotoami.common.http.Problem;
import io.cotoami.common.http.ProblemException;
import io.cotoami.common.http.Problems;
import io.cotoami.common.http.RequestIds;
import io.cotoami.common.runtime.ServiceInstance;
import io.cotoami.common.session.SameOrigin;
import io.cotoami.common.session.Session;
import io.cotoami.common.session.SessionVerifier;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.Cookie;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * auth-service's HTTP API: sign-in requests (the emailed link), the confirm page, sessions,
 * sign-out and the caller's profile.
 */
public final class AuthApiVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(AuthApiVerticle.class);
  private static final String ANONYMOUS_COOKIE = "anonymous_id";
  private static final Pattern ANONYMOUS_ID = Pattern.compile("[A-Za-z0-9_-]{22}");
  /** The same answer whether the address is known, new or undeliverable. */
  private static final JsonObject ACCEPTED = new JsonObject().put("status", "accepted")
      .put("message", "If this address can receive mail, a sign-in link is on its way.");

  private final ServiceInstance instance;
  private final AuthSettings settings;
  private final SessionVerifier verifier;
  private final SessionIssuer issuer;
  private final UserRepository users;
  private final SigninTokens tokens;
  private final RateLimits limits;
  private final MailOutbox outbox;
  private final Revocations revocations;

  public AuthApiVerticle(ServiceInstance instance, AuthSettings settings, SessionVerifier verifier,
                         SessionIssuer issuer, UserRepository users, SigninTokens tokens, RateLimits limits,
                         MailOutbox outbox, Revocations revocations) {
    this.instance = instance;
    this.settings = settings;
    this.verifier = verifier;
    this.issuer = issuer;
    this.users = users;
    this.tokens = tokens;
    this.limits = limits;
    this.outbox = outbox;
    this.revocations = revocations;
  }

  @Override
  public Future<?> start() {
    Router router = instance.router();
    BodyHandler body = BodyHandler.create(false).setBodyLimit(instance.config().bodyLimit());
    SameOrigin sameOrigin = SameOrigin.of(settings.publicUrl(), settings.allowedOrigins());
    router.get("/api/session").handler(this::session);
    router.post("/api/auth/signin-requests").handler(body).handler(sameOrigin).handler(this::signinRequest);
    router.post("/api/auth/sessions").handler(body).handler(sameOrigin).handler(this::createSession);
    router.post("/api/auth/signout").handler(sameOrigin).handler(this::signout);
    router.get("/api/users/me").handler(this::me);
    new PeopleRoutes(verifier, users).install(router);
    router.put("/api/users/me").handler(body).handler(sameOrigin).handler(this::rename);
    router.get("/signin/:token").handler(ctx -> SigninPage.send(ctx, ctx.pathParam("token")));
    return instance.serve(router);
  }

  /** Who the caller is; renews a session past half its lifetime (sliding sessions). */
  private void session(RoutingContext ctx) {
    Optional<String> token = SessionVerifier.tokenOf(ctx.request());
    if (token.isEmpty()) {
      ctx.json(new JsonObject().put("anonymous", true));
      return;
    }
    verifier.verify(token.get())
        .compose(session -> users.find(UUID.fromString(session.userId())).map(user -> user.map(u -> {
          JsonObject answer = new JsonObject().put("anonymous", false).put("user", u.toJson())
              .put("expiresAt", session.expiresAt().toString());
          if (issuer.dueForRenewal(session.expiresAt())) {
            SessionIssuer.Issued renewed = issuer.renew(u, session.sessionId());
            deliver(ctx, renewed, answer, bearer(ctx));
          }
          return answer;
        })))
        .onSuccess(answer -> ctx.json(answer.orElseGet(() -> anonymous(ctx))))
        .onFailure(e -> {
          if (e instanceof ProblemException) {
            ctx.json(anonymous(ctx));
          } else {
            ctx.fail(e);
          }
        });
  }

  private JsonObject anonymous(RoutingContext ctx) {
    if (ctx.request().getCookie(SessionVerifier.COOKIE) != null) {
      ctx.response().addCookie(issuer.expiredCookie());
    }
    return new JsonObject().put("anonymous", true);
  }

  private void signinRequest(RoutingContext ctx) {
    JsonObject body = JsonBodies.object(ctx);
    String email = Emails.normalize(JsonBodies.optionalString(body, "email"));
    Object save = body.getValue("saveAnonymousCotos");
    if (save != null && !(save instanceof Boolean)) {
      throw new ProblemException(Problem.validation("'saveAnonymousCotos' must be true or false."));
    }
    Cookie anonymous = ctx.request().getCookie(ANONYMOUS_COOKIE);
    String anonymousId = anonymous != null && ANONYMOUS_ID.matcher(anonymous.getValue()).matches()
        ? anonymous.getValue() : null;
    SigninMail.Language language = SigninMail.language(ctx.request().getHeader("Accept-Language"));
    limits.check(clientAddress(ctx), email)
        .compose(v -> tokens.issue(new SigninTokens.Request(email, Boolean.TRUE.equals(save), anonymousId)))
        .compose(token -> outbox.enqueue(SigninMail.render(email, settings.signinLink(token),
            settings.signinTokenTtl(), language)))
        .onSuccess(messageId -> {
          LOG.atInfo().addKeyValue("requestId", RequestIds.of(ctx)).log("Sign-in mail {} queued", messageId);
          ctx.response().setStatusCode(202);
          ctx.json(ACCEPTED);
        })
        .onFailure(e -> {
          if (e instanceof RateLimits.Limited) {
            ctx.response().putHeader("Retry-After", String.valueOf(((RateLimits.Limited) e).retryAfterSeconds()));
            Problems.send(ctx, RateLimits.Limited.PROBLEM);
          } else {
            ctx.fail(e);
          }
        });
  }

  /** Redeems an emailed token: the first sign-in with an address creates the user. */
  private void createSession(RoutingContext ctx) {
    JsonObject body = JsonBodies.object(ctx);
    String token = JsonBodies.optionalString(body, "token");
    String client = JsonBodies.optionalString(body, "client");
    if (client != null && !client.equals("browser") && !client.equals("mobile")) {
      throw new ProblemException(Problem.validation("'client' must be \"browser\" or \"mobile\"."));
    }
    tokens.redeem(token)
        .compose(request -> request.map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(
            new ProblemException(Problem.of(401, "invalid-signin-token", "Invalid sign-in link",
                "This sign-in link is unknown, expired or already used. Ask for a new one.")))))
        .compose(request -> users.findOrCreate(request.email(), Emails.localPart(request.email()))
            .compose(signedIn -> moveAnonymousCotos(ctx, request, signedIn.user()).map(moved -> {
              SessionIssuer.Issued issued = issuer.issue(signedIn.user());
              JsonObject answer = new JsonObject()
                  .put("user", signedIn.user().toJson())
                  .put("newUser", signedIn.created())
                  .put("expiresAt", issued.expiresAt().toString())
                  .put("anonymousCotos", moved);
              deliver(ctx, issued, answer, "mobile".equals(client));
              return answer;
            })))
        .onSuccess(answer -> {
          ctx.response().setStatusCode(201);
          ctx.json(answer);
        })
        .onFailure(ctx::fail);
  }

  /**
   * Asks coto-service to move the anonymous cotos into the account. The sign-in does not depend on
   * it: if coto-service cannot do it now, the cotos stay where they were (anonymous, in Redis).
   */
  private Future<JsonObject> moveAnonymousCotos(RoutingContext ctx, SigninTokens.Request request, User user) {
    if (!request.saveAnonymousCotos() || request.anonymousId() == null) {
      return Future.succeededFuture(new JsonObject().put("requested", false));
    }
    JsonObject move = new JsonObject().put("anonymousId", request.anonymousId()).put("userId", user.id().toString());
    return vertx.eventBus().<JsonObject>request(Addresses.ANONYMOUS_COTOS_MOVE, move,
            BusHeaders.withRequestId(RequestIds.of(ctx), instance.config().busTimeout()))
        .map(reply -> new JsonObject().put("requested", true).put("moved", reply.body().getInteger("moved")))
        .recover(e -> {
          LOG.atWarn().addKeyValue("requestId", RequestIds.of(ctx))
              .log("Anonymous cotos of user {} not moved: {}", user.id(), e.getMessage());
          return Future.succeededFuture(new JsonObject().put("requested", true).put("moved", (Integer) null)
              .put("error", "not-moved"));
        });
  }

  /** A browser gets the token in the HttpOnly cookie only; a mobile client in the body only. */
  private void deliver(RoutingContext ctx, SessionIssuer.Issued issued, JsonObject answer, boolean inBody) {
    if (inBody) {
      answer.put("token", issued.token());
    } else {
      ctx.response().addCookie(issuer.cookie(issued));
    }
  }

  private static boolean bearer(RoutingContext ctx) {
    String authorization = ctx.request().getHeader("Authorization");
    return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7);
  }

  /** Revokes the caller's session everywhere; without a valid session there is nothing to revoke. */
  private void signout(RoutingContext ctx) {
    Optional<String> token = SessionVerifier.tokenOf(ctx.request());
    Future<Void> revoked = token.isEmpty() ? Future.succeededFuture()
        : verifier.verify(token.get()).compose(revocations::revoke)
            .recover(e -> e instanceof ProblemException ? Future.succeededFuture() : Future.failedFuture(e));
    revoked.onSuccess(v -> {
      if (ctx.request().getCookie(SessionVerifier.COOKIE) != null) {
        ctx.response().addCookie(issuer.expiredCookie());
      }
      ctx.response().setStatusCode(204).end();
    }).onFailure(ctx::fail);
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
        .onSuccess(user -> user.ifPresentOrElse(u -> ctx.json(u.toJson()), () -> ctx.fail(unauthorized())))
        .onFailure(ctx::fail);
  }

  private Future<Session> authenticated(RoutingContext ctx) {
    return SessionVerifier.tokenOf(ctx.request()).map(verifier::verify)
        .orElseGet(() -> Future.failedFuture(unauthorized()));
  }

  private static ProblemException unauthorized() {
    return new ProblemException(Problem.of(401, "unauthorized", "Unauthorized", "Sign in first."));
  }

  /** The client's address as the gateway saw it (it sets X-Forwarded-For; services are not public). */
  private static String clientAddress(RoutingContext ctx) {
    String forwarded = ctx.request().getHeader("X-Forwarded-For");
    if (forwarded != null && !forwarded.isBlank()) {
      String[] hops = forwarded.split(",");
      String last = hops[hops.length - 1].trim();
      if (!last.isEmpty() && last.length() <= 64) {
        return last;
      }
    }
    return ctx.request().remoteAddress() == null ? "unknown" : ctx.request().remoteAddress().hostAddress();
  }
}
