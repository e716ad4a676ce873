package io.cotoami.common.mail;

import io.cotoami.common.config.ConfigException;
import io.cotoami.common.config.Env;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seals the outbox so that Redis (its memory, its append-only file, {@code mail:dead}) never holds
 * a usable sign-in link: each mail's recipient, subject and bodies are one AES-256-GCM ciphertext
 * (field {@code sealed}: base64 of a 12-byte nonce and the ciphertext), bound to its message id.
 * The key is {@code MAIL_OUTBOX_KEY} (32 bytes, base64), known to auth-service and mail-service
 * only; when it is not set, the first of them to start puts a random key in a cluster-wide map
 * (memory only, never on disk) and all share it, so a queued mail cannot be opened after the whole
 * cluster restarted (it is dead-lettered; a sign-in link would have expired by then anyway).
 */
public final class OutboxSeal {
  private static final Logger LOG = LoggerFactory.getLogger(OutboxSeal.class);
  public static final String SEALED = "sealed";
  static final String SHARED_MAP = "cotoami.mail";
  static final String SHARED_KEY = "outbox-key";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final SecretKeySpec key;

  private OutboxSeal(byte[] key) {
    this.key = new SecretKeySpec(key, "AES");
  }

  /** {@code MAIL_OUTBOX_KEY}: 32 bytes in base64 (e.g. {@code openssl rand -base64 32}), or null when unset. */
  public static byte[] keyFromEnv(Env env) {
    String raw = env.string("MAIL_OUTBOX_KEY", null);
    if (raw == null) {
      return null;
    }
    byte[] key;
    try {
      key = Base64.getDecoder().decode(raw);
    } catch (IllegalArgumentException e) {
      key = new byte[0];
    }
    if (key.length != 32) {
      throw new ConfigException("Invalid MAIL_OUTBOX_KEY: expected 32 bytes in base64 (openssl rand -base64 32)");
    }
    return key;
  }

  /** A seal with this key, for tests and tools. */
  public static OutboxSeal withKey(byte[] key) {
    return new OutboxSeal(key);
  }

  /** The configured key, else the one shared through the cluster (created by whoever comes first). */
  public static Future<OutboxSeal> start(Vertx vertx, byte[] configured) {
    if (configured != null) {
      return Future.succeededFuture(new OutboxSeal(configured));
    }
    byte[] candidate = new byte[32];
    RANDOM.nextBytes(candidate);
    return vertx.sharedData().<String, String>getClusterWideMap(SHARED_MAP)
        .compose(map -> map.putIfAbsent(SHARED_KEY, Base64.getEncoder().encodeToString(candidate)))
        .map(existing -> {
          LOG.warn("MAIL_OUTBOX_KEY is not set: the outbox is sealed with a key held by the cluster only; "
              + "mail still queued when every instance stops cannot be sent");
          return new OutboxSeal(existing == null ? candidate : Base64.getDecoder().decode(existing));
        });
  }

  /** The stream fields of a mail: its id and kind in clear, the rest sealed. */
  public List<String> fields(OutboxMail mail) {
    List<String> fields = new ArrayList<>(List.of("messageId", mail.messageId(), "kind", mail.kind()));
    fields.add(SEALED);
    fields.add(seal(mail.messageId(), mail.toJson().encode()));
    return fields;
  }

  /** The mail of a stream entry; fails with {@link Unreadable} when it was sealed with another key or altered. */
  public OutboxMail open(String messageId, Map<String, String> fields) {
    String sealed = fields.get(SEALED);
    if (sealed == null) {
      throw new Unreadable("not sealed");
    }
    try {
      byte[] bytes = Base64.getDecoder().decode(sealed);
      if (bytes.length <= NONCE_BYTES) {
        throw new Unreadable("too short");
      }
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, bytes, 0, NONCE_BYTES));
      cipher.updateAAD(messageId.getBytes(StandardCharsets.UTF_8));
      byte[] plain = cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES);
      return OutboxMail.fromJson(messageId, String.valueOf(fields.get("kind")),
          new JsonObject(new String(plain, StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException | RuntimeException e) {
      if (e instanceof Unreadable unreadable) {
        throw unreadable;
      }
      throw new Unreadable("cannot be opened with this key");
    }
  }

  private String seal(String messageId, String plain) {
    try {
      byte[] nonce = new byte[NONCE_BYTES];
      RANDOM.nextBytes(nonce);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(messageId.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
      byte[] out = new byte[NONCE_BYTES + sealed.length];
      System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
      System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
      return Base64.getEncoder().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  /** An entry that is not a sealed mail this key can open. */
  public static final class Unreadable extends RuntimeException {
    Unreadable(String message) {
      super(message, null, false, false);
    }
  }
}
