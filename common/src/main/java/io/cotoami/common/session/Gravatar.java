package io.cotoami.common.session;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Gravatar's image for an email: derived from the SHA-256 of the normalised address, so showing
 * it needs no call from us; Gravatar shows an identicon for unknown addresses.
 */
public final class Gravatar {
  private Gravatar() {
  }

  public static String url(String email) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256")
          .digest(email.trim().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
      return "https://www.gravatar.com/avatar/" + HexFormat.of().formatHex(hash) + "?d=identicon";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
