package io.cotoami.mail.outbox;

import io.cotoami.common.mail.OutboxMail;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One entry of the outbox stream as read: its stream id and its fields (still sealed). */
record OutboxEntry(String id, Map<String, String> fields) {

  String messageId() {
    String messageId = fields.get("messageId");
    return messageId == null ? id : messageId;
  }

  /** An entry queued in clear by an auth-service older than the seal (during a rolling upgrade). */
  OutboxMail legacyMail() {
    return new OutboxMail(messageId(), String.valueOf(fields.get("kind")), fields.get("to"), fields.get("subject"),
        fields.get("text"), fields.get("html"));
  }

  /** The entries of an {@code XREADGROUP}/{@code XAUTOCLAIM} answer; ones deleted while pending are skipped. */
  static List<OutboxEntry> list(Response list) {
    List<OutboxEntry> entries = new ArrayList<>();
    if (list == null) {
      return entries;
    }
    for (Response item : list) {
      Response fields = item.get(1);
      if (fields == null) {
        continue;
      }
      Map<String, String> map = new HashMap<>();
      for (int i = 0; i + 1 < fields.size(); i += 2) {
        map.put(fields.get(i).toString(), fields.get(i + 1).toString(StandardCharsets.UTF_8));
      }
      entries.add(new OutboxEntry(item.get(0).toString(), map));
    }
    return entries;
  }
}
