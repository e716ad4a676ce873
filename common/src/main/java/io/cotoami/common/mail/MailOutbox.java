package io.cotoami.common.mail;

import io.cotoami.common.bus.Addresses;
import io.cotoami.common.store.DeadlineRedis;
import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import java.util.List;
import java.util.UUID;

/**
 * Queues mail for mail-service in the durable Redis stream {@link Addresses#MAIL_OUTBOX_STREAM}
 * (append-only file on, entries removed once sent): the one writer of the outbox, used by
 * auth-service (sign-in links) and coto-service (invitations). Each entry has a {@code messageId},
 * so mail-service sends it once even if it sees it twice; everything else is sealed
 * ({@link OutboxSeal}), so what it carries is never readable at rest.
 */
public final class MailOutbox {
  private static final String XADD = "return redis.call('XADD', KEYS[1], '*', unpack(ARGV))";
  private final RedisAPI redis;
  private final OutboxSeal seal;

  public MailOutbox(RedisAPI redis, OutboxSeal seal) {
    this.redis = redis;
    this.seal = seal;
  }

  /** Appends a mail of this kind ({@code signin}, {@code invitation}); answers its message id. */
  public Future<String> enqueue(String kind, String to, String subject, String text, String html) {
    String messageId = UUID.randomUUID().toString();
    // Guarded: a mail that Redis reaches after we answered 503 is not queued (a retry asks again).
    List<String> fields = seal.fields(new OutboxMail(messageId, kind, to, subject, text, html));
    return DeadlineRedis.evalGuarded(redis, XADD, List.of(Addresses.MAIL_OUTBOX_STREAM), fields)
        .map(id -> messageId);
  }
}
