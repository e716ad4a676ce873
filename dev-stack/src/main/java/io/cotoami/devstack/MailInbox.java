package io.cotoami.devstack;

import io.cotoami.infra.ReceivedMail;
import io.cotoami.infra.SmtpServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * The local mail catcher's web side (the role maildev plays): {@code /} lists every mail the
 * embedded SMTP server received, newest first, with clickable links; {@code /mail.json} gives the same as JSON.
 */
final class MailInbox {
  private final SmtpServer smtp;

  MailInbox(SmtpServer smtp) {
    this.smtp = smtp;
  }

  Future<HttpServer> listen(Vertx vertx, int port) {
    Router router = Router.router(vertx);
    router.get("/mail.json").handler(this::json);
    router.get("/").handler(this::page);
    // HTTP/1.1 only, as every server of ours (no h2c).
    return vertx.createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(false)).requestHandler(router)
        .listen(port, "127.0.0.1");
  }

  private void json(RoutingContext ctx) {
    readInbox(ctx).onSuccess(mails -> {
      JsonArray list = new JsonArray();
      mails.forEach(mail -> list.add(mail.toJson()));
      ctx.json(new JsonObject().put("mails", list));
    });
  }

  private void page(RoutingContext ctx) {
    readInbox(ctx).onSuccess(mails -> {
      StringBuilder html = new StringBuilder("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
          + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
          + "<title>Cotoami mail inbox</title><style>body{font-family:system-ui,sans-serif;max-width:48rem;"
          + "margin:2rem auto;padding:0 1rem}article{border:1px solid #ccc;border-radius:6px;padding:1rem;"
          + "margin:1rem 0}pre{white-space:pre-wrap}</style></head><body><h1>Mail inbox</h1>"
          + "<p>Every mail sent by this local Cotoami, newest first.</p>");
      if (mails.isEmpty()) {
        html.append("<p>No mail yet.</p>");
      }
      for (ReceivedMail mail : mails) {
        html.append("<article><h2>").append(escape(mail.subject())).append("</h2><p>From ")
            .append(escape(mail.from())).append(" to ").append(escape(String.join(", ", mail.to())))
            .append(" at ").append(mail.receivedAt()).append("</p><pre>")
            .append(linkify(escape(mail.text() == null ? "" : mail.text()))).append("</pre></article>");
      }
      html.append("</body></html>");
      ctx.response().putHeader("Content-Type", "text/html; charset=utf-8").end(html.toString());
    });
  }

  private Future<List<ReceivedMail>> readInbox(RoutingContext ctx) {
    return ctx.vertx().executeBlocking(smtp::inbox).onFailure(ctx::fail);
  }

  static String escape(String text) {
    return text == null ? "" : text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  private static String linkify(String escaped) {
    return escaped.replaceAll("(https?://[^\\s<]+)", "<a href=\"$1\">$1</a>");
  }
}
