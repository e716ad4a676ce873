package io.cotoami.coto.invite;

import io.cotoami.common.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import java.net.URI;
import java.util.List;
import java.util.UUID;

/**
 * Queues invitation mail for mail-service on the same durable Redis stream as sign-in mail
 * ({@link Addresses#MAIL_OUTBOX_STREAM}, kind {@code invitation}), with a {@code messageId} so it
 * is sent once even if mail-service sees it twice. The only place coto-service writes mail.
 */
public final class Invitations {
  private final RedisAPI redis;
  private final URI publicUrl;

  public Invitations(RedisAPI redis, URI publicUrl) {
    this.redis = redis;
    this.publicUrl = publicUrl;
  }

  /** The room's page, on the configured public URL (never taken from a request). */
  public String link(String cotonomaKey) {
    return publicUrl + "/cotonomas/" + cotonomaKey;
  }

  /** Appends the mail; answers its message id. */
  public Future<String> queue(String to, String roomName, String cotonomaKey, String inviterName, boolean japanese) {
    InvitationMail mail = InvitationMail.render(to, roomName, inviterName, link(cotonomaKey), japanese);
    String messageId = UUID.randomUUID().toString();
    return redis.xadd(List.of(Addresses.MAIL_OUTBOX_STREAM, "*",
            "messageId", messageId,
            "kind", "invitation",
            "to", mail.to(),
            "subject", mail.subject(),
            "text", mail.text(),
            "html", mail.html()))
        .map(id -> messageId);
  }
}
