package io.cotoami.mail;

import io.cotoami.common.config.Env;
import io.cotoami.common.runtime.ServiceInstance;
import io.cotoami.common.runtime.ServiceLauncher;
import io.cotoami.common.store.RedisStore;
import io.cotoami.mail.smtp.SmtpProbe;
import io.vertx.core.Future;

/** Starts mail-service: cluster, Redis (the outbox), SMTP reachability, then its HTTP endpoints. */
public final class MailServiceMain {
  private MailServiceMain() {
  }

  public static void main(String[] args) {
    ServiceLauncher.run(MailServiceConfig.SERVICE, () -> MailServiceConfig.fromEnv(Env.system()), MailServiceMain::start);
  }

  /** The real wiring, used by {@code main} and by tests. */
  public static Future<ServiceInstance> start(MailServiceConfig config) {
    return ServiceInstance.start(config.instance()).compose(instance -> {
      SmtpProbe smtp = new SmtpProbe(instance.vertx(), config.smtp());
      return RedisStore.start(instance, config.redis())
          .compose(redis -> smtp.check())
          .compose(v -> {
            instance.readinessCheck("smtp", smtp::check);
            return instance.serve(instance.router());
          })
          .map(server -> instance);
    });
  }
}
