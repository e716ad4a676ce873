package io.cotoami.auth;

import io.cotoami.auth.api.AuthApiVerticle;
import io.cotoami.auth.session.Revocations;
import io.cotoami.auth.session.SessionIssuer;
import io.cotoami.auth.signin.RateLimits;
import io.cotoami.auth.signin.SigninTokens;
import io.cotoami.auth.token.AccessTokenRepository;
import io.cotoami.auth.token.AccessTokenRoutes;
import io.cotoami.auth.user.User;
import io.cotoami.auth.user.UserRepository;
import io.cotoami.common.config.Env;
import io.cotoami.common.mail.MailOutbox;
import io.cotoami.common.mail.OutboxSeal;
import io.cotoami.common.runtime.ServiceInstance;
import io.cotoami.common.runtime.ServiceLauncher;
import io.cotoami.common.session.RevokedSessions;
import io.cotoami.common.session.SessionVerifier;
import io.cotoami.common.store.PostgresStore;
import io.cotoami.common.store.RedisStore;
import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.util.UUID;

/** Starts auth-service: cluster, PostgreSQL (migrated), Redis, the session keys, then the API. */
public final class AuthServiceMain {
  private AuthServiceMain() {
  }

  public static void main(String[] args) {
    ServiceLauncher.run(AuthServiceConfig.SERVICE, () -> AuthServiceConfig.fromEnv(Env.system()), AuthServiceMain::start);
  }

  /** The real wiring, used by {@code main} and by tests. */
  public static Future<ServiceInstance> start(AuthServiceConfig config) {
    return ServiceInstance.start(config.instance()).compose(instance -> {
      // Gateways compare it with their own and refuse readiness on a mismatch (PublicUrlCheck).
      instance.announcePublicUrl(config.auth().publicUrl().toString());
      return PostgresStore.start(instance, config.pg(), "auth", "classpath:db/auth")
            .compose(pool -> RedisStore.start(instance, config.redis())
                .compose(redis -> deploy(instance, config, pool, redis)))
          .map(deployed -> instance);
    });
  }

  private static Future<String> deploy(ServiceInstance instance, AuthServiceConfig config, Pool pool, RedisAPI redis) {
    AuthSettings settings = config.auth();
    SessionIssuer issuer = new SessionIssuer(instance.vertx(), config.keys(), settings);
    SessionVerifier plain = SessionVerifier.create(instance.vertx(), config.keys());
    UserRepository users = new UserRepository(pool, config.pg().callTimeout());
    AccessTokenRepository accessTokens = new AccessTokenRepository(pool, config.pg().callTimeout());
    Revocations revocations = new Revocations(instance.vertx(), redis, settings.sessionTtl(),
        accessTokens::revocations);
    RevokedSessions known = RevokedSessions.create(instance.vertx(), revocations, config.revocations());
    instance.readinessCheck("revocations", known::readiness);
    // The seal is ready before the API is deployed (the chain below waits for it).
    Future<OutboxSeal> seal = OutboxSeal.start(instance.vertx(), config.mailOutboxKey());
    return checkKeyPair(issuer, plain)
        .compose(v -> seal)
        .compose(v -> revocations.migrateLegacy())
        .compose(v -> known.followMembership(instance.clusterManager()).start())
        .compose(revoked -> revocations.serve(revoked).map(revoked))
        .compose(revoked -> {
          SessionVerifier verifier = plain.withRevocations(revoked);
          return instance.vertx().deployVerticle(new AuthApiVerticle(instance, settings, verifier, issuer, users,
              new SigninTokens(redis, settings.signinTokenTtl()),
              new RateLimits(redis, settings.signinIpLimit(), settings.signinEmailLimit()),
              new MailOutbox(redis, seal.result()), revocations,
              new AccessTokenRoutes(verifier, issuer, users, accessTokens, revocations)));
        });
  }

  /** A private key that does not match the public one would issue sessions nobody accepts: refuse to start. */
  private static Future<Void> checkKeyPair(SessionIssuer issuer, SessionVerifier verifier) {
    User probe = new User(UUID.randomUUID(), "probe@example.invalid", "probe", Instant.now());
    return verifier.verify(issuer.issue(probe).token()).<Void>mapEmpty()
        .recover(e -> Future.failedFuture(new IllegalStateException(
            "JWT_PRIVATE_KEY_FILE does not match JWT_PUBLIC_KEY_FILE and JWT_KEY_ID: its sessions would not verify")));
  }
}
