package io.cotoami.coto;

import io.cotoami.common.config.Env;
import io.cotoami.common.runtime.ServiceInstance;
import io.cotoami.common.runtime.ServiceLauncher;
import io.cotoami.common.session.RevokedSessions;
import io.cotoami.common.session.SessionVerifier;
import io.cotoami.common.store.PostgresStore;
import io.cotoami.common.store.RedisStore;
import io.cotoami.coto.anonymous.AnonymousCotoMoveVerticle;
import io.cotoami.coto.anonymous.AnonymousCotoRepository;
import io.cotoami.coto.api.CotoApiVerticle;
import io.cotoami.coto.domain.Cotonomas;
import io.cotoami.coto.domain.Cotos;
import io.cotoami.coto.domain.EventPublisher;
import io.cotoami.coto.domain.MyCotonomas;
import io.cotoami.coto.events.TimelineOpenVerticle;
import io.cotoami.coto.invite.Invitations;
import io.cotoami.coto.events.TimelineTrimVerticle;
import io.cotoami.coto.store.CotoRepository;
import io.cotoami.coto.store.CotonomaRepository;
import io.cotoami.coto.store.Db;
import io.cotoami.coto.store.MyCotonomaRepository;
import io.cotoami.coto.store.TimelineEventRepository;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;

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
                .compose(redis -> RevokedSessions.startFromAuthService(instance.vertx(), instance.config().busTimeout())
                    .compose(revoked -> {
                      AnonymousCotoRepository anonymous = new AnonymousCotoRepository(redis, config.anonymousRetention());
                      CotoApiVerticle api = api(instance, config, pool, anonymous, revoked,
                          new Invitations(redis, config.publicUrl()));
                      return instance.vertx().deployVerticle(api)
                          .compose(id -> instance.vertx().deployVerticle(
                              new AnonymousCotoMoveVerticle(anonymous, api.cotos())))
                          .compose(id -> instance.vertx().deployVerticle(new TimelineOpenVerticle(new Db(pool),
                              api.cotonomas(), new TimelineEventRepository(), config.replayLimit())))
                          .compose(id -> instance.vertx().deployVerticle(new TimelineTrimVerticle(new Db(pool),
                              new TimelineEventRepository(), config.replayLimit(), config.trimInterval())));
                    })))
            .map(deployed -> instance));
  }

  private static CotoApiVerticle api(ServiceInstance instance, CotoServiceConfig config, Pool pool,
      AnonymousCotoRepository anonymous, RevokedSessions revoked, Invitations invitations) {
    Db db = new Db(pool);
    CotoRepository cotos = new CotoRepository();
    CotonomaRepository cotonomas = new CotonomaRepository();
    TimelineEventRepository events = new TimelineEventRepository();
    EventPublisher publisher = new EventPublisher(instance.vertx(), instance.config().busTimeout());
    return new CotoApiVerticle(instance, anonymous, config.anonymousRetention(),
        SessionVerifier.create(instance.vertx(), config.sessions()).withRevocations(revoked),
        new Cotos(db, cotos, cotonomas, events, publisher),
        new Cotonomas(db, cotos, cotonomas, events, publisher),
        new MyCotonomas(db, cotonomas, new MyCotonomaRepository()), invitations);
  }
}
