package io.cotoami.auth.signin;

import io.cotoami.common.bus.Addresses;
import io.cotoami.common.store.DeadlineRedis;
import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import java.util.List;
import java.util.UUID;

/**
 * Queues mail for mail-service in the durable Redis stream {@link Addresses#MAIL_OUTBOX_STREAM}
 * (append-only file on, entries removed only once sent). Each entry has a {@code messageId},
 * so mail-service sends it once even if it sees it twice.
 */
public final class MailOutbox {
  private static final String XADD = "return redis.call('XADD', KEYS[1], '*', unpack(ARGV))";
  private final RedisAPI redis;

  public MailOutbox(RedisAPI redis) {
    this.redis = redis;
  }

  /** Appends the mail; answers its message id. */
  public Future<String> enqueue(SigninMail mail) {
    String messageId = UUID.randomUUID().toString();
    // Guarded: a mail that Redis reaches after we answered 503 is not queued (a retry asks again).
    return DeadlineRedis.evalGuarded(redis, XADD, List.of(Addresses.MAIL_OUTBOX_STREAM), List.of(
            "messageId", messageId,
            "kind", "signin",
            "to", mail.to(),
            "subject", mail.subject(),
            "text", mail.text(),
            "html", mail.html()))
        .map(id -> messageId);
  }
}
