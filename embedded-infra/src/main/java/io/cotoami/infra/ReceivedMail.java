package io.cotoami.infra;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.mail.Address;
import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A mail as the local inbox shows it: envelope, plain text and HTML bodies. */
public record ReceivedMail(int index, String from, List<String> to, String subject, Instant receivedAt, String text,
                           String html) {

  static ReceivedMail of(int index, MimeMessage message) {
    try {
      List<String> to = new ArrayList<>();
      Address[] recipients = message.getAllRecipients();
      if (recipients != null) {
        for (Address address : recipients) {
          to.add(address.toString());
        }
      }
      Address[] from = message.getFrom();
      String[] bodies = new String[2];
      collect(message, bodies);
      Instant received = message.getReceivedDate() != null ? message.getReceivedDate().toInstant()
          : message.getSentDate() != null ? message.getSentDate().toInstant() : Instant.now();
      return new ReceivedMail(index, from == null || from.length == 0 ? "" : from[0].toString(), to,
          message.getSubject(), received, bodies[0], bodies[1]);
    } catch (MessagingException | IOException e) {
      throw new IllegalStateException("unreadable mail #" + index + ": " + e.getMessage(), e);
    }
  }

  private static void collect(Part part, String[] bodies) throws MessagingException, IOException {
    if (part.isMimeType("text/plain") && bodies[0] == null) {
      bodies[0] = String.valueOf(part.getContent());
    } else if (part.isMimeType("text/html") && bodies[1] == null) {
      bodies[1] = String.valueOf(part.getContent());
    } else if (part.isMimeType("multipart/*")) {
      Multipart multipart = (Multipart) part.getContent();
      for (int i = 0; i < multipart.getCount(); i++) {
        BodyPart child = multipart.getBodyPart(i);
        collect(child, bodies);
      }
    }
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", index)
        .put("from", from)
        .put("to", new JsonArray(to))
        .put("subject", subject)
        .put("receivedAt", receivedAt.toString())
        .put("text", text)
        .put("html", html);
  }
}
