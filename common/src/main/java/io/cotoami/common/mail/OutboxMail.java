package io.cotoami.common.mail;

import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * One mail in the outbox (the Redis stream {@code mail:outbox}), the contract between
 * auth-service, which queues it, and mail-service, which sends it. On the stream only
 * {@code messageId} and {@code kind} are in clear; the rest is {@link #toJson() this JSON},
 * sealed by {@link OutboxSeal}.
 *
 * @param messageId unique per mail: mail-service sends a message id once
 * @param kind      what it is for ({@code signin}), for logs and metrics
 */
public record OutboxMail(String messageId, String kind, String to, String subject, String text, String html) {
  public OutboxMail {
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(kind, "kind");
  }

  /** The sealed part: who, and what. */
  public JsonObject toJson() {
    return new JsonObject().put("to", to).put("subject", subject).put("text", text).put("html", html);
  }

  public static OutboxMail fromJson(String messageId, String kind, JsonObject body) {
    return new OutboxMail(messageId, kind, body.getString("to"), body.getString("subject"), body.getString("text"),
        body.getString("html"));
  }
}
