package io.cotoami.coto.invite;

import io.cotoami.common.bus.Addresses;
import io.cotoami.common.mail.MailOutbox;
import io.vertx.core.Future;
import java.net.URI;

/**
 * Queues invitation mail for mail-service on the same durable Redis stream as sign-in mail
 * ({@link Addresses#MAIL_OUTBOX_STREAM}, kind {@code invitation}), sealed by the one outbox
 * writer ({@link MailOutbox}). The only place coto-service writes mail.
 */
public final class Invitations {
  private final MailOutbox outbox;
  private final URI publicUrl;

  public Invitations(MailOutbox outbox, URI publicUrl) {
    this.outbox = outbox;
    this.publicUrl = publicUrl;
  }

  /** The room's page, on the configured public URL (never taken from a request). */
  public String link(String cotonomaKey) {
    return publicUrl + "/cotonomas/" + cotonomaKey;
  }

  /** Appends the mail; answers its message id. */
  public Future<String> queue(String to, String roomName, String cotonomaKey, String inviterName, boolean japanese) {
    InvitationMail mail = InvitationMail.render(to, roomName, inviterName, link(cotonomaKey), japanese);
    return outbox.enqueue("invitation", mail.to(), mail.subject(), mail.text(), mail.html());
  }
}
