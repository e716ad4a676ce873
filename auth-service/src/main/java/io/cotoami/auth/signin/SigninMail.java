package io.cotoami.auth.signin;

import java.time.Duration;

/**
 * The sign-in mail, in English or Japanese: plain text and HTML, both with the link. Only the
 * link varies, and it is built from the configured public URL and a token of URL-safe characters.
 */
public record SigninMail(String to, String subject, String text, String html) {

  public enum Language { EN, JA }

  /**
   * @param savesCotos the request asked to save the browser's anonymous cotos: the mail says they
   *                   are saved only when the link is opened in that same browser
   */
  public static SigninMail render(String to, String link, Duration validity, Language language, boolean savesCotos) {
    long minutes = Math.max(1, validity.toMinutes());
    String safeLink = escape(link);
    if (language == Language.JA) {
      String cotos = savesCotos ? "匿名で投稿したコトは、サインインを申し込んだのと同じブラウザでこのリンクを開いたときだけ、"
          + "あなたのアカウントに保存されます。" : "";
      return new SigninMail(to, "Cotoami へのサインイン",
          "Cotoami にサインインするには、" + minutes + " 分以内に次のリンクを開いてください。\n\n"
              + link + "\n\n" + (cotos.isEmpty() ? "" : cotos + "\n\n")
              + "このメールにお心当たりがない場合は、何もせずに削除してください。リンクを開かない限り何も起こりません。\n",
          page("ja", "<p>Cotoami にサインインするには、" + minutes + " 分以内に次のリンクを開いてください。</p>"
              + "<p><a href=\"" + safeLink + "\">" + safeLink + "</a></p>"
              + (cotos.isEmpty() ? "" : "<p>" + cotos + "</p>")
              + "<p>このメールにお心当たりがない場合は、何もせずに削除してください。</p>"));
    }
    String cotos = savesCotos ? "Your anonymous cotos will be saved into your account only if you open this link "
        + "in the same browser you asked from." : "";
    return new SigninMail(to, "Sign in to Cotoami",
        "To sign in to Cotoami, open this link within " + minutes + " minutes:\n\n"
            + link + "\n\n" + (cotos.isEmpty() ? "" : cotos + "\n\n")
            + "If you did not ask to sign in, ignore this mail: nothing happens unless the link is opened.\n",
        page("en", "<p>To sign in to Cotoami, open this link within " + minutes + " minutes:</p>"
            + "<p><a href=\"" + safeLink + "\">" + safeLink + "</a></p>"
            + (cotos.isEmpty() ? "" : "<p>" + cotos + "</p>")
            + "<p>If you did not ask to sign in, ignore this mail.</p>"));
  }

  /** Japanese when the client prefers it to English (by {@code Accept-Language} q-values), else English. */
  public static Language language(String acceptLanguage) {
    return io.cotoami.common.http.Languages.prefersJapanese(acceptLanguage) ? Language.JA : Language.EN;
  }

  private static String page(String lang, String body) {
    return "<!doctype html><html lang=\"" + lang + "\"><head><meta charset=\"utf-8\"><title>Cotoami</title></head>"
        + "<body style=\"font-family:sans-serif\">" + body + "</body></html>";
  }

  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
