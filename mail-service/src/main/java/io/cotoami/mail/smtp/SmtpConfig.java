package io.cotoami.mail.smtp;

import io.cotoami.common.config.Env;

/** The SMTP server mail goes out through. */
public record SmtpConfig(String host, int port, String username, String password, StartTls startTls, String from) {

  public enum StartTls { DISABLED, OPTIONAL, REQUIRED }

  public static SmtpConfig fromEnv(Env env) {
    return new SmtpConfig(
        env.string("SMTP_HOST", "localhost"),
        env.port("SMTP_PORT", 2525),
        env.string("SMTP_USERNAME", null),
        env.string("SMTP_PASSWORD", null),
        env.choice("SMTP_STARTTLS", StartTls.OPTIONAL, StartTls.class),
        env.string("MAIL_FROM", "Cotoami <no-reply@localhost>"));
  }

  public String describe() {
    return "smtp://" + host + ":" + port;
  }
}
