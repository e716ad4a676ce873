package io.cotoami.common.http;

import java.util.Locale;

/**
 * The one reading of {@code Accept-Language} for what Cotoami writes to people (sign-in mail,
 * invitations, the sign-in page): Japanese when the header prefers it to English by q-value,
 * else English.
 */
public final class Languages {
  /** Longer headers are not parsed (English). */
  static final int MAX_HEADER = 500;

  private Languages() {
  }

  /** The code kept for a person who sent this header: {@code "ja"} or {@code "en"}; null without a header. */
  public static String codeOf(String acceptLanguage) {
    if (acceptLanguage == null || acceptLanguage.isBlank()) {
      return null;
    }
    return prefersJapanese(acceptLanguage) ? "ja" : "en";
  }

  /**
   * Whether mail to someone is written in Japanese: their own language when it is known
   * ({@code "ja"}/{@code "en"}, remembered at sign-in), else the sender's {@code Accept-Language}.
   */
  public static boolean forRecipient(String knownLanguage, String senderAcceptLanguage) {
    if ("ja".equals(knownLanguage) || "en".equals(knownLanguage)) {
      return "ja".equals(knownLanguage);
    }
    return prefersJapanese(senderAcceptLanguage);
  }

  public static boolean prefersJapanese(String acceptLanguage) {
    if (acceptLanguage == null || acceptLanguage.length() > MAX_HEADER) {
      return false;
    }
    double ja = -1;
    double en = -1;
    for (String part : acceptLanguage.split(",")) {
      String[] pieces = part.trim().split(";");
      String tag = pieces[0].trim().toLowerCase(Locale.ROOT);
      double q = quality(pieces);
      if ((tag.equals("ja") || tag.startsWith("ja-")) && q > ja) {
        ja = q;
      } else if ((tag.equals("en") || tag.startsWith("en-")) && q > en) {
        en = q;
      }
    }
    return ja > 0 && ja > en;
  }

  /** The {@code q=} of one language range; 1 when absent, 0 when unreadable. */
  private static double quality(String[] pieces) {
    double q = 1;
    for (int i = 1; i < pieces.length; i++) {
      String param = pieces[i].trim();
      if (param.startsWith("q=")) {
        try {
          q = Double.parseDouble(param.substring(2));
        } catch (NumberFormatException e) {
          q = 0;
        }
      }
    }
    return q;
  }
}
