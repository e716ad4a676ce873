package io.cotoami.mail.smtp;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.StartTLSOptions;
import java.util.concurrent.TimeUnit;

/** Sends one mail (plain text and HTML alternatives) through the configured SMTP server, within its timeouts. */
public final class SmtpSender {
  private final MailClient client;
  private final SmtpConfig config;

  public SmtpSender(Vertx vertx, SmtpConfig config, int maxConnections) {
    this.config = config;
    MailConfig mail = new MailConfig()
        .setHostname(config.host())
        .setPort(config.port())
        .setStarttls(switch (config.startTls()) {
          case DISABLED -> StartTLSOptions.DISABLED;
          case OPTIONAL -> StartTLSOptions.OPTIONAL;
          case REQUIRED -> StartTLSOptions.REQUIRED;
        })
        .setLogin(config.username() == null ? LoginOption.DISABLED : LoginOption.REQUIRED)
        .setUsername(config.username())
        .setPassword(config.password())
        // A fresh connection per mail: nothing stale survives an SMTP server restart.
        .setKeepAlive(false)
        .setMaxPoolSize(maxConnections);
    mail.setConnectTimeout((int) config.connectTimeout().toMillis());
    // A server silent mid-conversation closes the connection, so the send fails rather than hangs.
    mail.setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
    mail.setIdleTimeout((int) config.sendTimeout().toMillis());
    this.client = MailClient.create(vertx, mail);
  }

  public Future<Void> send(String messageId, String to, String subject, String text, String html) {
    MailMessage message = new MailMessage()
        .setFrom(config.from())
        .setTo(to)
        .setSubject(subject)
        .setText(text)
        .setHtml(html)
        .setHeaders(MultiMap.caseInsensitiveMultiMap().add("X-Cotoami-Message-Id", messageId));
    // The whole conversation is bounded too: a server that trickles answers cannot hold a mail forever.
    return client.sendMail(message).<Void>mapEmpty().timeout(config.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
  }

  public Future<Void> close() {
    return client.close();
  }
}
