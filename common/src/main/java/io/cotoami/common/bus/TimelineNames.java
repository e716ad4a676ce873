package io.cotoami.common.bus;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The names timelines carry in events on the bus: part of the contract between coto-service,
 * which publishes, and the gateways, which fan out to subscribers.
 */
public final class TimelineNames {
  private static final String ANONYMOUS = "anonymous:";

  private TimelineNames() {
  }

  public static String home(String userId) {
    return "home:" + userId;
  }

  public static String cotonoma(String key) {
    return "cotonoma:" + key;
  }

  /** Anonymous visitors' events are not kept: their timelines have no history to replay. */
  public static boolean isAnonymous(String busName) {
    return busName.startsWith(ANONYMOUS);
  }

  /**
   * An anonymous visitor's home: a hash of their id, because the id itself is their only proof
   * of ownership and must not travel to every node or into logs.
   */
  public static String anonymous(String anonymousId) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(anonymousId.getBytes(StandardCharsets.UTF_8));
      return ANONYMOUS + HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
