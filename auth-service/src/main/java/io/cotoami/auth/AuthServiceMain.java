package io.cotoami.auth;

import io.cotoami.auth.api.SessionApiVerticle;
import io.cotoami.common.config.Env;
import io.cotoami.common.runtime.ServiceInstance;
import io.cotoami.common.runtime.ServiceLauncher;
import io.cotoami.common.store.PostgresStore;
import io.cotoami.common.store.RedisStore;
import io.vertx.core.Future;

/** Starts auth-service: cluster, PostgreSQL (migrated), Redis, then the API. */
public final class AuthServiceMain {
  private AuthServiceMain() {
  }

  public static void main(String[] args) {
    ServiceLauncher.run(AuthServiceConfig.SERVICE, () -> AuthServiceConfig.fromEnv(Env.system()), AuthServiceMain::start);
  }

  /** The real wiring, used by {@code main} and by tests. */
  public static Future<ServiceInstance> start(AuthServiceConfig config) {
    return ServiceInstance.start(config.instance()).compose(instance ->
        PostgresStore.start(instance, config.pg(), "auth", "classpath:db/auth")
            .compose(pool -> RedisStore.start(instance, config.redis()))
            .compose(redis -> instance.vertx().deployVerticle(new SessionApiVerticle(instance)))
            .map(deployed -> instance));
  }
}
