package io.cotoami.coto.domain;

import java.security.SecureRandom;
import java.util.Base64;

/** Cotonoma keys: 128 random bits, URL-safe. Knowing a key is not enough to open it, but it must not be guessable. */
public final class Keys {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Keys() {
  }

  public static String random() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
