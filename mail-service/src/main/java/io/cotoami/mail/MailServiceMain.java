package io.cotoami.mail;

import io.cotoami.common.config.Env;
import io.cotoami.common.mail.OutboxSeal;
import io.cotoami.common.runtime.ServiceInstance;
import io.cotoami.common.runtime.ServiceLauncher;
import io.cotoami.common.store.RedisStore;
import io.cotoami.mail.outbox.OutboxVerticle;
import io.cotoami.mail.smtp.SmtpProbe;
import io.cotoami.mail.smtp.SmtpSender;
import io.vertx.core.Future;
import java.time.Duration;

/** Starts mail-service: cluster, Redis (the outbox), SMTP reachability, the outbox consumer, then its HTTP endpoints. */
public final class MailServiceMain {
  /** How long a mail may stay pending with a consumer before another instance takes it over. */
  static final Duration CLAIM_IDLE = Duration.ofSeconds(60);

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
          .compose(redis -> smtp.check()
              .compose(v -> OutboxSeal.start(instance.vertx(), config.mailOutboxKey()))
              .compose(seal -> instance.vertx().deployVerticle(new OutboxVerticle(redis,
                  new SmtpSender(instance.vertx(), config.smtp(), config.concurrency()), seal,
                  config.instance().instanceId(), CLAIM_IDLE, config.concurrency(), instance.meterRegistry()))))
          .compose(v -> {
            instance.readinessCheck("smtp", smtp::check);
            return instance.serve(instance.router());
          })
          .map(server -> instance);
    });
  }
}
