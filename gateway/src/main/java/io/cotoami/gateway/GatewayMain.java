package io.cotoami.gateway;

import io.cotoami.common.config.Env;
import io.cotoami.common.runtime.ServiceInstance;
import io.cotoami.common.runtime.ServiceLauncher;
import io.cotoami.common.session.RevokedSessions;
import io.cotoami.common.session.SessionVerifier;
import io.cotoami.gateway.events.GatewayEventsVerticle;
import io.cotoami.gateway.proxy.AffinityCookies;
import io.cotoami.gateway.registry.InstanceRegistry;
import io.cotoami.gateway.registry.PublicUrlCheck;
import io.vertx.core.Future;

/** Starts the gateway: cluster, the instance registry, the event consumers, then the public HTTP server. */
public final class GatewayMain {
  private GatewayMain() {
  }

  public static void main(String[] args) {
    ServiceLauncher.run(GatewayConfig.SERVICE, () -> GatewayConfig.fromEnv(Env.system()), GatewayMain::start);
  }

  /** The real wiring, used by {@code main} and by tests. */
  public static Future<ServiceInstance> start(GatewayConfig config) {
    return ServiceInstance.start(config.instance()).compose(instance -> {
      InstanceRegistry registry = new InstanceRegistry(instance.vertx(), instance.clusterManager());
      RevokedSessions known = RevokedSessions.create(instance.vertx(),
          RevokedSessions.fromAuthService(instance.vertx(), config.revocations()), config.revocations());
      instance.readinessCheck("revocations", known::readiness);
      PublicUrlCheck publicUrls = new PublicUrlCheck(instance.vertx(), registry, config.publicUrl());
      instance.readinessCheck("auth-service-public-url", publicUrls::verify);
      return registry.start()
          .compose(v -> publicUrls.start())
          .compose(v -> instance.vertx().deployVerticle(new GatewayEventsVerticle(instance.meterRegistry())))
          .compose(id -> known.followMembership(instance.clusterManager()).start())
          .compose(revoked -> AffinityCookies.shared(instance.vertx(), config.affinitySecret())
              .compose(affinity -> instance.vertx().deployVerticle(new GatewayVerticle(instance, config, registry,
                  affinity, SessionVerifier.create(instance.vertx(), config.sessions()).withRevocations(revoked)))))
          .map(id -> instance);
    });
  }
}
