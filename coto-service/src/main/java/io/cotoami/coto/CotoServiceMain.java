package io.cotoami.coto;

import io.cotoami.common.config.Env;
import io.cotoami.common.mail.MailOutbox;
import io.cotoami.common.mail.OutboxSeal;
import io.cotoami.common.runtime.ServiceInstance;
import io.cotoami.common.runtime.ServiceLauncher;
import io.cotoami.common.session.RevokedSessions;
import io.cotoami.common.session.SessionVerifier;
import io.cotoami.common.store.PostgresStore;
import io.cotoami.common.store.RedisStore;
import io.cotoami.coto.anonymous.AnonymousCotoMoveVerticle;
import io.cotoami.coto.anonymous.AnonymousCotos;
import io.cotoami.coto.api.CotoApiVerticle;
import io.cotoami.coto.exchange.Exporter;
import io.cotoami.coto.exchange.Importer;
import io.cotoami.coto.domain.Authors;
import io.cotoami.coto.domain.Cotonomas;
import io.cotoami.coto.domain.Cotos;
import io.cotoami.coto.domain.Graph;
import io.cotoami.coto.domain.EventPublisher;
import io.cotoami.coto.domain.MyCotonomas;
import io.cotoami.coto.events.TimelineOpenVerticle;
import io.cotoami.coto.events.TimelineTrimVerticle;
import io.cotoami.coto.events.UserRenamesVerticle;
import io.cotoami.coto.invite.Invitations;
import io.cotoami.coto.search.Search;
import io.cotoami.coto.store.AuthorRepository;
import io.cotoami.coto.store.CotoRepository;
import io.cotoami.coto.store.CotonomaRepository;
import io.cotoami.coto.store.Db;
import io.cotoami.coto.store.GraphRepository;
import io.cotoami.coto.store.MyCotonomaRepository;
import io.cotoami.coto.store.SearchRepository;
import io.cotoami.coto.store.TimelineEventRepository;
import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts coto-service: cluster, PostgreSQL (migrated), the anonymous Redis, then the API. */
public final class CotoServiceMain {
  private static final Logger LOG = LoggerFactory.getLogger(CotoServiceMain.class);
  private CotoServiceMain() {
  }

  public static void main(String[] args) {
    ServiceLauncher.run(CotoServiceConfig.SERVICE, () -> CotoServiceConfig.fromEnv(Env.system()), CotoServiceMain::start);
  }

  /** The real wiring, used by {@code main} and by tests. */
  public static Future<ServiceInstance> start(CotoServiceConfig config) {
    return ServiceInstance.start(config.instance()).compose(instance -> {
      Future<Pool> pool = PostgresStore.start(instance, config.pg(), "coto", "classpath:db/coto");
      Future<MailOutbox> outbox = pool.compose(p -> outbox(instance, config));
      Future<RedisAPI> anonymousRedis = outbox.compose(o -> anonymousRedis(instance, config));
      Future<RevokedSessions> revoked = anonymousRedis.compose(r -> revocations(instance, config));
      return revoked
          .map(v -> Domain.build(instance, config, pool.result(), anonymousRedis.result()))
          .compose(domain -> deploy(instance, config, domain, revoked.result(), outbox.result()))
          .map(deployed -> instance);
    });
  }

  /** The memo domain, built once and shared by every verticle. */
  private record Domain(Db db, TimelineEventRepository events, Cotos cotos, Graph graph, Cotonomas cotonomas,
      MyCotonomas mine, AnonymousCotos anonymous, Authors authors, Search search) {
    static Domain build(ServiceInstance instance, CotoServiceConfig config, Pool pool, RedisAPI anonymousRedis) {
      Db db = new Db(pool, config.pg());
      CotoRepository cotoRows = new CotoRepository();
      CotonomaRepository cotonomaRows = new CotonomaRepository();
      TimelineEventRepository events = new TimelineEventRepository();
      EventPublisher publisher = new EventPublisher(instance.vertx(), instance.config().busTimeout());
      Graph graph = new Graph(db, new GraphRepository(), cotoRows, cotonomaRows, events, publisher, config.graph());
      Cotos cotos = new Cotos(db, cotoRows, cotonomaRows, events, publisher, graph);
      return new Domain(db, events, cotos, graph, new Cotonomas(db, cotoRows, cotonomaRows, events, publisher, graph),
          new MyCotonomas(db, cotonomaRows, new MyCotonomaRepository()),
          new AnonymousCotos(anonymousRedis, config.anonymous(), cotos, publisher),
          new Authors(db, new AuthorRepository(), events, publisher),
          new Search(db, cotonomaRows, new SearchRepository()));
    }
  }

  private static Future<String> deploy(ServiceInstance instance, CotoServiceConfig config, Domain domain,
      RevokedSessions revoked, MailOutbox outbox) {
    CotoApiVerticle api = new CotoApiVerticle(instance, domain.anonymous(), config.anonymous().retention(),
        SessionVerifier.create(instance.vertx(), config.sessions()).withRevocations(revoked), domain.cotos(),
        domain.cotonomas(), domain.mine(), new Invitations(outbox, config.publicUrl(),
        instance.vertx(), instance.config().busTimeout()), domain.search(), domain.graph(),
        new Exporter(domain.db(), config.exchange().exportTimeout()),
        new Importer(instance.vertx(), domain.db(), config.exchange(), config.graph()), config.graph(),
        config.exchange().importsAtOnce(), config.exchange().exportsAtOnce());
    return instance.vertx().deployVerticle(api)
        .compose(id -> instance.vertx().deployVerticle(new AnonymousCotoMoveVerticle(domain.anonymous())))
        .compose(id -> instance.vertx().deployVerticle(new UserRenamesVerticle(domain.authors())))
        .compose(id -> instance.vertx().deployVerticle(new TimelineOpenVerticle(domain.db(), domain.cotonomas(),
            domain.events(), config.replayLimit())))
        .compose(id -> instance.vertx().deployVerticle(new TimelineTrimVerticle(domain.db(), domain.events(),
            config.replayLimit(), config.trimInterval())));
  }

  /** Followed from auth-service; until known to be current, signed-in requests get 503 and the instance is not ready. */
  private static Future<RevokedSessions> revocations(ServiceInstance instance, CotoServiceConfig config) {
    RevokedSessions known = RevokedSessions.create(instance.vertx(),
        RevokedSessions.fromAuthService(instance.vertx(), config.revocations()), config.revocations());
    instance.readinessCheck("revocations", known::readiness);
    return known.followMembership(instance.clusterManager()).start();
  }

  /**
   * Invitations are queued on the main Redis's outbox stream, sealed like sign-in mail (the
   * anonymous Redis is only for anonymous cotos).
   */
  private static Future<MailOutbox> outbox(ServiceInstance instance, CotoServiceConfig config) {
    return OutboxSeal.start(instance.vertx(), config.mailOutboxKey())
        .compose(seal -> RedisStore.start(instance, config.redis()).map(redis -> new MailOutbox(redis, seal)));
  }

  /**
   * The Redis anonymous cotos live in: its own ({@code ANON_REDIS_URL}), bounded on its own, so
   * that visitors filling it cannot take sign-in down. Without one, the main Redis, with a warning.
   */
  private static Future<RedisAPI> anonymousRedis(ServiceInstance instance, CotoServiceConfig config) {
    if (config.anonymous().shared()) {
      LOG.warn("ANON_REDIS_URL is not set: anonymous cotos share the main Redis at {}, so anonymous visitors"
          + " filling it could stop sign-in. Give them a Redis of their own with maxmemory and noeviction.",
          config.redis().describe());
    }
    return RedisStore.start(instance, config.anonymous().redis(), "anonymous-redis");
  }
}
