package io.cotoami.coto.invite;

import io.cotoami.common.bus.Addresses;
import io.cotoami.common.bus.BusHeaders;
import io.cotoami.common.bus.UserLanguage;
import io.cotoami.common.http.Languages;
import io.cotoami.common.mail.MailOutbox;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queues invitation mail for mail-service on the same durable Redis stream as sign-in mail
 * ({@link Addresses#MAIL_OUTBOX_STREAM}, kind {@code invitation}), sealed by the one outbox
 * writer ({@link MailOutbox}). The only place coto-service writes mail.
 */
public final class Invitations {
  private static final Logger LOG = LoggerFactory.getLogger(Invitations.class);
  private final MailOutbox outbox;
  private final URI publicUrl;
  private final Vertx vertx;
  private final Duration busTimeout;

  public Invitations(MailOutbox outbox, URI publicUrl, Vertx vertx, Duration busTimeout) {
    this.outbox = outbox;
    this.publicUrl = publicUrl;
    this.vertx = vertx;
    this.busTimeout = busTimeout;
  }

  /** The room's page, on the configured public URL (never taken from a request). */
  public String link(String cotonomaKey) {
    return publicUrl + "/cotonomas/" + cotonomaKey;
  }

  /**
   * Appends the mail, in the invitee's language when auth-service knows it (they signed in before),
   * else in the sender's ({@code senderAcceptLanguage}); answers its message id.
   */
  public Future<String> queue(String to, String roomName, String cotonomaKey, String inviterName,
      String senderAcceptLanguage, String requestId) {
    return knownLanguage(to, requestId)
        .map(known -> InvitationMail.render(to, roomName, inviterName, link(cotonomaKey),
            Languages.forRecipient(known, senderAcceptLanguage)))
        .compose(mail -> outbox.enqueue("invitation", mail.to(), mail.subject(), mail.text(), mail.html()));
  }

  /** The invitee's language, or null when it is not known or cannot be asked now (the mail still goes). */
  private Future<String> knownLanguage(String email, String requestId) {
    return vertx.eventBus().<JsonObject>request(Addresses.USER_LANGUAGES_GET, new UserLanguage.Query(email).toJson(),
            BusHeaders.withRequestId(requestId, busTimeout))
        .map(reply -> UserLanguage.fromJson(reply.body()).language())
        .otherwise(e -> {
          LOG.atInfo().addKeyValue("requestId", requestId).log("Invitee's language not known: {}", e.getMessage());
          return null;
        });
  }
}
