package io.cotoami.browser;

import java.util.UUID;

/** Fresh addresses, so that tests sharing one stack never meet each other's people. */
final class People {
  private People() {
  }

  static String email(String name) {
    return name + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
  }

  /** The name Cotoami gives a new account: the local part of the address. */
  static String nameOf(String email) {
    return email.substring(0, email.indexOf('@'));
  }
}
