package io.cotoami.coto;

import io.cotoami.common.config.Env;
import io.cotoami.common.runtime.ServiceInstance;
import io.cotoami.common.runtime.ServiceLauncher;
import io.cotoami.common.store.PostgresStore;
import io.cotoami.common.store.RedisStore;
import io.cotoami.coto.anonymous.AnonymousCotoRepository;
import io.cotoami.coto.api.CotoApiVerticle;
import io.vertx.core.Future;

/** Starts coto-service: cluster, PostgreSQL (migrated), Redis, then the API. */
public final class CotoServiceMain {
  private CotoServiceMain() {
  }

  public static void main(String[] args) {
    ServiceLauncher.run(CotoServiceConfig.SERVICE, () -> CotoServiceConfig.fromEnv(Env.system()), CotoServiceMain::start);
  }

  /** The real wiring, used by {@code main} and by tests. */
  public static Future<ServiceInstance> start(CotoServiceConfig config) {
    return ServiceInstance.start(config.instance()).compose(instance ->
        PostgresStore.start(instance, config.pg(), "coto", "classpath:db/coto")
            .compose(pool -> RedisStore.start(instance, config.redis())
                .compose(redis -> {
                  AnonymousCotoRepository anonymous = new AnonymousCotoRepository(redis, config.anonymousRetention());
                  return instance.vertx().deployVerticle(new CotoApiVerticle(instance, anonymous, config.anonymousRetention()));
                }))
            .map(deployed -> instance));
  }
}
