package io.cotoami.auth.signin;

import io.cotoami.common.http.Problem;
import io.cotoami.common.http.ProblemException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Email addresses as sign-in accepts them: at most 254 characters, the usual {@code local@domain}
 * shape in ASCII (a dot-separated domain with a top-level part), and no control characters at all,
 * so a CR/LF can never reach a mail header. One person is one address: trimmed and lower-cased.
 */
public final class Emails {
  public static final int MAX_LENGTH = 254;
  private static final Pattern SHAPE = Pattern.compile(
      "[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}");

  private Emails() {
  }

  /** The normalised address, or a 400 validation problem. */
  public static String normalize(String raw) {
    if (raw == null) {
      throw invalid("'email' is required.");
    }
    String email = raw.trim();
    if (email.length() > MAX_LENGTH) {
      throw invalid("'email' is longer than " + MAX_LENGTH + " characters.");
    }
    for (int i = 0; i < email.length(); i++) {
      char c = email.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw invalid("'email' must not contain control characters.");
      }
    }
    if (!SHAPE.matcher(email).matches() || email.contains("..") || email.startsWith(".") || email.contains(".@")) {
      throw invalid("'email' is not an email address.");
    }
    return email.toLowerCase(Locale.ROOT);
  }

  /** The default name of a new user: the address's local part. */
  public static String localPart(String email) {
    String local = email.substring(0, email.indexOf('@'));
    return local.length() > 50 ? local.substring(0, 50) : local;
  }

  private static ProblemException invalid(String detail) {
    return new ProblemException(Problem.validation(detail));
  }
}
