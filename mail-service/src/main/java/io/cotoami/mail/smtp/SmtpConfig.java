package io.cotoami.mail.smtp;

import io.cotoami.common.config.ConfigException;
import io.cotoami.common.config.Env;
import java.time.Duration;

/**
 * The SMTP server mail goes out through.
 *
 * @param connectTimeout how long connecting (and the greeting) may take
 * @param sendTimeout    how long one mail's whole SMTP conversation may take, and the longest
 *                       silence of the server within it; past it the mail is retried later
 */
public record SmtpConfig(String host, int port, String username, String password, StartTls startTls, String from,
                         Duration connectTimeout, Duration sendTimeout) {

  public enum StartTls { DISABLED, OPTIONAL, REQUIRED }

  public static SmtpConfig fromEnv(Env env) {
    Duration connect = env.duration("SMTP_CONNECT_TIMEOUT", Duration.ofSeconds(5));
    Duration send = env.duration("SMTP_SEND_TIMEOUT", Duration.ofSeconds(30));
    if (connect.toMillis() < 1 || send.toMillis() < 1) {
      throw new ConfigException("SMTP_CONNECT_TIMEOUT and SMTP_SEND_TIMEOUT must be at least 1ms");
    }
    return new SmtpConfig(
        env.string("SMTP_HOST", "localhost"),
        env.port("SMTP_PORT", 2525),
        env.string("SMTP_USERNAME", null),
        env.string("SMTP_PASSWORD", null),
        env.choice("SMTP_STARTTLS", StartTls.OPTIONAL, StartTls.class),
        env.string("MAIL_FROM", "Cotoami <no-reply@localhost>"),
        connect,
        send);
  }

  public String describe() {
    return "smtp://" + host + ":" + port;
  }
}
