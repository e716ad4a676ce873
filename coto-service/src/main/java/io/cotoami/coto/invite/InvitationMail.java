package io.cotoami.coto.invite;


/**
 * The mail that tells someone a cotonoma was shared with them, in English or Japanese: who shared
 * which room, and a link to it. The link is not a secret (opening the room still needs a sign-in
 * with the invited address), so it is queued like any other mail.
 */
public record InvitationMail(String to, String subject, String text, String html) {

  public static InvitationMail render(String to, String rawRoomName, String rawInviterName, String link,
      boolean japanese) {
    // Names are typed by people: no control character may reach a mail header.
    String roomName = rawRoomName.replaceAll("\\p{Cntrl}", " ");
    String inviterName = rawInviterName == null || rawInviterName.isBlank() ? "Someone"
        : rawInviterName.replaceAll("\\p{Cntrl}", " ");
    String room = escape(roomName);
    String inviter = escape(inviterName);
    String safeLink = escape(link);
    if (japanese) {
      return new InvitationMail(to, inviterName + " さんが Cotoami の「" + roomName + "」を共有しました",
          inviterName + " さんが Cotoami のコトノマ「" + roomName + "」をあなたと共有しました。\n\n"
              + "開くには次のリンクを開き、このメールアドレス (" + to + ") でサインインしてください。\n\n"
              + link + "\n",
          page("ja", "<p>" + inviter + " さんが Cotoami のコトノマ「<strong>" + room + "</strong>」をあなたと共有しました。</p>"
              + "<p>開くには次のリンクを開き、このメールアドレス (" + escape(to) + ") でサインインしてください。</p>"
              + "<p><a href=\"" + safeLink + "\">" + safeLink + "</a></p>"));
    }
    return new InvitationMail(to, inviterName + " shared \"" + roomName + "\" with you on Cotoami",
        inviterName + " shared the cotonoma \"" + roomName + "\" with you on Cotoami.\n\n"
            + "Open it here, and sign in with this address (" + to + "):\n\n"
            + link + "\n",
        page("en", "<p>" + inviter + " shared the cotonoma <strong>" + room + "</strong> with you on Cotoami.</p>"
            + "<p>Open it here, and sign in with this address (" + escape(to) + "):</p>"
            + "<p><a href=\"" + safeLink + "\">" + safeLink + "</a></p>"));
  }


  private static String page(String lang, String body) {
    return "<!doctype html><html lang=\"" + lang + "\"><head><meta charset=\"utf-8\"><title>Cotoami</title></head>"
        + "<body style=\"font-family:sans-serif\">" + body + "</body></html>";
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
