package io.cotoami.common.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cotoami.common.config.ConfigException;
import io.cotoami.common.config.Env;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The outbox contract between auth-service and mail-service: what one writes, the other reads. */
class OutboxSealTest {
  private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final OutboxMail MAIL = new OutboxMail("m-1", "signin", "ann@example.com", "Sign in",
      "open https://x/signin/SECRET", "<a href=\"https://x/signin/SECRET\">");

  @Test
  @DisplayName("A sealed mail opens to the same record, and its stream fields hold only the id and kind in clear")
  void roundTrip() {
    Map<String, String> fields = fieldsOf(OutboxSeal.withKey(KEY).fields(MAIL));
    assertEquals(MAIL, OutboxSeal.withKey(KEY).open("m-1", fields));
    assertEquals(Map.of("messageId", "m-1", "kind", "signin"), Map.of("messageId", fields.get("messageId"),
        "kind", fields.get("kind")));
    assertEquals(3, fields.size());
    String stored = fields.toString();
    assertFalse(stored.contains("SECRET") || stored.contains("ann@example.com"), stored);
    assertEquals(MAIL, OutboxMail.fromJson("m-1", "signin", MAIL.toJson()));
  }

  @Test
  @DisplayName("Another key, an altered ciphertext or a body moved to another message id cannot be opened")
  void tamperingIsRefused() {
    Map<String, String> fields = fieldsOf(OutboxSeal.withKey(KEY).fields(MAIL));
    byte[] other = KEY.clone();
    other[0] ^= 1;
    assertThrows(OutboxSeal.Unreadable.class, () -> OutboxSeal.withKey(other).open("m-1", fields));
    assertThrows(OutboxSeal.Unreadable.class, () -> OutboxSeal.withKey(KEY).open("m-2", fields));
    Map<String, String> altered = new HashMap<>(fields);
    String sealed = altered.get(OutboxSeal.SEALED);
    altered.put(OutboxSeal.SEALED, sealed.substring(0, 20) + (sealed.charAt(20) == 'A' ? 'B' : 'A') + sealed.substring(21));
    assertThrows(OutboxSeal.Unreadable.class, () -> OutboxSeal.withKey(KEY).open("m-1", altered));
    assertThrows(OutboxSeal.Unreadable.class, () -> OutboxSeal.withKey(KEY).open("m-1", Map.of("kind", "signin")));
  }

  @Test
  @DisplayName("MAIL_OUTBOX_KEY must be 32 bytes of base64; unset means the cluster-held key")
  void keyFromEnv() {
    assertEquals(null, OutboxSeal.keyFromEnv(new Env(Map.of())));
    assertEquals(32, OutboxSeal.keyFromEnv(new Env(Map.of("MAIL_OUTBOX_KEY",
        java.util.Base64.getEncoder().encodeToString(KEY)))).length);
    ConfigException bad = assertThrows(ConfigException.class,
        () -> OutboxSeal.keyFromEnv(new Env(Map.of("MAIL_OUTBOX_KEY", "c2hvcnQ="))));
    assertTrue(bad.getMessage().contains("MAIL_OUTBOX_KEY"));
  }

  private static Map<String, String> fieldsOf(List<String> list) {
    Map<String, String> map = new HashMap<>();
    for (int i = 0; i + 1 < list.size(); i += 2) {
      map.put(list.get(i), list.get(i + 1));
    }
    return map;
  }
}
