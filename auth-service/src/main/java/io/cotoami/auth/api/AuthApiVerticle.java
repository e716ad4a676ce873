package io.cotoami.auth.api;

import io.cotoami.auth.AuthSettings;
import io.cotoami.auth.session.Revocations;
import io.cotoami.auth.session.SessionIssuer;
import io.cotoami.auth.signin.Emails;
import io.cotoami.auth.signin.RateLimits;
import io.cotoami.auth.signin.ReturnPaths;
import io.cotoami.auth.signin.SigninMail;
import io.cotoami.auth.signin.SigninTokens;
import io.cotoami.auth.token.AccessTokenRoutes;
import io.cotoami.auth.user.PeopleRoutes;
import io.cotoami.auth.user.ProfileRoutes;
import io.cotoami.auth.user.User;
import io.cotoami.auth.user.UserLanguages;
import io.cotoami.auth.user.UserRepository;
import io.cotoami.common.bus.Addresses;
import io.cotoami.common.bus.BusHeaders;
import io.cotoami.common.http.JsonBodies;
import io.cotoami.common.http.Problem;
import io.cotoami.common.http.ProblemException;
import io.cotoami.common.http.Problems;
import io.cotoami.common.http.RequestIds;
import io.cotoami.common.http.Timestamps;
import io.cotoami.common.mail.MailOutbox;
import io.cotoami.common.runtime.ServiceInstance;
import io.cotoami.common.session.AnonymousId;
import io.cotoami.common.session.AnonymousMove;
import io.cotoami.common.session.SameOrigin;
import io.cotoami.common.session.Session;
import io.cotoami.common.session.SessionVerifier;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * auth-service's HTTP API: sign-in requests (the emailed link), the confirm page, sessions,
 * sign-out and the caller's profile.
 */
public final class AuthApiVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(AuthApiVerticle.class);
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
  private final AccessTokenRoutes accessTokens;
  private final UserLanguages languages;

  public AuthApiVerticle(ServiceInstance instance, AuthSettings settings, SessionVerifier verifier,
                         SessionIssuer issuer, UserRepository users, SigninTokens tokens, RateLimits limits,
                         MailOutbox outbox, Revocations revocations, AccessTokenRoutes accessTokens) {
    this.instance = instance;
    this.settings = settings;
    this.verifier = verifier;
    this.issuer = issuer;
    this.users = users;
    this.tokens = tokens;
    this.limits = limits;
    this.outbox = outbox;
    this.revocations = revocations;
    this.accessTokens = accessTokens;
    this.languages = new UserLanguages(users);
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
    new ProfileRoutes(vertx, verifier, users, instance.config().busTimeout()).install(router, body, sameOrigin);
    new PeopleRoutes(verifier, users).install(router);
    router.get("/signin/:token").handler(ctx -> SigninPage.send(ctx, ctx.pathParam("token")));
    return languages.serve(vertx)
        .compose(v -> accessTokens.install(vertx, router, body, sameOrigin)).compose(v -> instance.serve(router));
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
          JsonObject answer = new JsonObject().put("anonymous", false).put("user", u.toJson());
          if (!session.expiresAt().equals(Session.NEVER)) {
            answer.put("expiresAt", Timestamps.format(session.expiresAt()));
          }
          if (issuer.dueForRenewal(session)) {
            SessionIssuer.Issued renewed = issuer.renew(u, session);
            deliver(ctx, renewed, answer, SessionVerifier.bearer(ctx.request()).isPresent());
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
    String returnTo = ReturnPaths.validate(body.getValue("returnTo"));
    String anonymousId = anonymousId(ctx);
    boolean saves = Boolean.TRUE.equals(save) && anonymousId != null;
    SigninMail.Language language = SigninMail.language(ctx.request().getHeader("Accept-Language"));
    limits.check(clientAddress(ctx), email)
        .compose(v -> tokens.issue(new SigninTokens.Request(email, Boolean.TRUE.equals(save), anonymousId,
            returnTo)))
        .map(token -> SigninMail.render(email, settings.signinLink(token), settings.signinTokenTtl(), language, saves))
        .compose(mail -> outbox.enqueue("signin", mail.to(), mail.subject(), mail.text(), mail.html()))
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

  /**
   * Redeems an emailed token: the first sign-in with an address creates the user. The token is
   * reserved, then consumed only once the session is issued; if issuing fails (PostgreSQL down,
   * say) it is released, so the same link works again. Anonymous cotos move only when this browser
   * is the one that asked for the link (same {@code anonymous_id} cookie).
   */
  private void createSession(RoutingContext ctx) {
    JsonObject body = JsonBodies.object(ctx);
    String token = JsonBodies.optionalString(body, "token");
    String client = JsonBodies.optionalString(body, "client");
    if (client != null && !client.equals("browser") && !client.equals("mobile")) {
      throw new ProblemException(Problem.validation("'client' must be \"browser\" or \"mobile\"."));
    }
    tokens.reserve(token)
        .compose(reservation -> reservation.map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(
            invalidSigninToken())))
        .compose(reservation -> users.findOrCreate(reservation.request().email(),
                Emails.localPart(reservation.request().email()))
            .compose(signedIn -> languages.remember(signedIn.user().id(), ctx.request().getHeader("Accept-Language"),
                RequestIds.of(ctx)).map(signedIn))
            .map(signedIn -> new Signin(signedIn.user(), signedIn.created(), issuer.issue(signedIn.user())))
            // The move runs alongside consuming: it never fails, and whoever holds this link is this user.
            .compose(signin -> Future.all(tokens.consume(reservation),
                    moveAnonymousCotos(ctx, reservation.request(), signin.user()))
                .map(both -> new JsonObject()
                    .put("user", signin.user().toJson())
                    .put("newUser", signin.created())
                    .put("returnTo", reservation.request().returnTo())
                    .put("expiresAt", Timestamps.format(signin.issued().expiresAt()))
                    .put("anonymousCotos", both.<JsonObject>resultAt(1)))
                .map(answer -> {
                  deliver(ctx, signin.issued(), answer, "mobile".equals(client));
                  return answer;
                }))
            .recover(e -> tokens.release(reservation).transform(released -> Future.failedFuture(
                e instanceof SigninTokens.Lost ? invalidSigninToken() : e))))
        .onSuccess(answer -> {
          ctx.response().setStatusCode(201);
          ctx.json(answer);
        })
        .onFailure(ctx::fail);
  }

  /** A session issued for a redeemed link, not yet delivered. */
  private record Signin(User user, boolean created, SessionIssuer.Issued issued) {
  }

  private static ProblemException invalidSigninToken() {
    return new ProblemException(Problem.of(401, "invalid-signin-token", "Invalid sign-in link",
        "This sign-in link is unknown, expired or already used. Ask for a new one."));
  }

  /**
   * Asks coto-service to move the anonymous cotos into the account, when the link asked for it and
   * this browser holds the anonymous id the link was asked from; a link opened elsewhere (another
   * browser, a mail scanner, someone who planted it) signs in without moving anything, and says
   * so ({@code "skipped": "other-browser"}). The sign-in does not depend on the move: if
   * coto-service cannot do it now, the cotos stay where they were (anonymous, in Redis).
   */
  private Future<JsonObject> moveAnonymousCotos(RoutingContext ctx, SigninTokens.Request request, User user) {
    if (!request.saveAnonymousCotos() || request.anonymousId() == null) {
      return Future.succeededFuture(new JsonObject().put("requested", false));
    }
    String here = anonymousId(ctx);
    if (here == null || !MessageDigest.isEqual(here.getBytes(StandardCharsets.US_ASCII),
        request.anonymousId().getBytes(StandardCharsets.US_ASCII))) {
      LOG.atInfo().addKeyValue("requestId", RequestIds.of(ctx))
          .log("Anonymous cotos not moved for user {}: the link was opened in another browser", user.id());
      return Future.succeededFuture(new JsonObject().put("requested", true).put("moved", (Integer) null)
          .put("skipped", "other-browser"));
    }
    JsonObject move = new AnonymousMove(AnonymousId.parse(request.anonymousId()).orElseThrow(), user.id()).toJson();
    return vertx.eventBus().<JsonObject>request(Addresses.ANONYMOUS_COTOS_MOVE, move,
            BusHeaders.withRequestId(RequestIds.of(ctx), instance.config().busTimeout()))
        .map(reply -> new JsonObject().put("requested", true)
            .put("moved", AnonymousMove.Moved.fromJson(reply.body()).moved()))
        .recover(e -> {
          LOG.atWarn().addKeyValue("requestId", RequestIds.of(ctx))
              .log("Anonymous cotos of user {} not moved: {}", user.id(), e.getMessage());
          return Future.succeededFuture(new JsonObject().put("requested", true).put("moved", (Integer) null)
              .put("error", "not-moved"));
        });
  }

  /** The browser's well-formed {@code anonymous_id} cookie, or null. */
  private static String anonymousId(RoutingContext ctx) {
    return AnonymousId.of(ctx.request()).map(AnonymousId::value).orElse(null);
  }

  /** A browser gets the token in the HttpOnly cookie only; a mobile client in the body only. */
  private void deliver(RoutingContext ctx, SessionIssuer.Issued issued, JsonObject answer, boolean inBody) {
    if (inBody) {
      answer.put("token", issued.token());
    } else {
      ctx.response().addCookie(issuer.cookie(issued));
    }
  }

  /**
   * Revokes the caller's session on every instance, or with {@code ?everywhere=true} every session
   * of the caller; without a valid session there is nothing to revoke.
   */
  private void signout(RoutingContext ctx) {
    String everywhere = ctx.request().getParam("everywhere");
    if (everywhere != null && !everywhere.equals("true") && !everywhere.equals("false")) {
      throw new ProblemException(Problem.validation("'everywhere' must be true or false."));
    }
    Optional<String> token = SessionVerifier.tokenOf(ctx.request());
    Future<Void> revoked = token.isEmpty() ? Future.succeededFuture()
        : verifier.verify(token.get())
            // A personal access token is revoked from the tokens list, by a signed-in person (403).
            .compose(SessionVerifier::signedInPerson)
            .compose("true".equals(everywhere) ? revocations::revokeEverywhere : revocations::revoke)
            .recover(e -> e instanceof ProblemException && ((ProblemException) e).problem().status() == 401
                ? Future.succeededFuture() : Future.failedFuture(e));
    revoked.onSuccess(v -> {
      if (ctx.request().getCookie(SessionVerifier.COOKIE) != null) {
        ctx.response().addCookie(issuer.expiredCookie());
      }
      ctx.response().setStatusCode(204).end();
    }).onFailure(ctx::fail);
  }

  /** The client's address: X-Forwarded-For only from a trusted proxy (TRUSTED_PROXIES), else the peer. */
  private String clientAddress(RoutingContext ctx) {
    return settings.clientAddress().of(ctx.request());
  }
}
