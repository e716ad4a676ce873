package io.cotoami.browser;

import io.cotoami.infra.ReceivedMail;
import io.cotoami.infra.SmtpServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The launcher's local inbox as the gateway's {@code /dev/mail} pages expect it ({@code /} and
 * {@code /mail.json} on {@code DEV_MAIL_URL}): every mail the embedded SMTP server received, with
 * its links clickable, one {@code article} per mail marked with its recipient.
 */
final class DevInbox implements AutoCloseable {
  private static final Pattern LINK = Pattern.compile("https?://[^\\s<>\"]+");
  private final Vertx vertx;
  private final HttpServer server;

  private DevInbox(Vertx vertx, HttpServer server) {
    this.vertx = vertx;
    this.server = server;
  }

  static DevInbox start(SmtpServer smtp) throws Exception {
    Vertx vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    router.get("/mail.json").handler(ctx -> read(ctx, smtp).onSuccess(mails -> {
      JsonArray list = new JsonArray();
      mails.forEach(mail -> list.add(mail.toJson()));
      ctx.json(new JsonObject().put("mails", list));
    }));
    router.get("/").handler(ctx -> read(ctx, smtp).onSuccess(mails -> ctx.response()
        .putHeader("Content-Type", "text/html; charset=utf-8").end(page(mails))));
    HttpServer server = BrowserStack.await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    return new DevInbox(vertx, server);
  }

  String url() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  private static io.vertx.core.Future<List<ReceivedMail>> read(RoutingContext ctx, SmtpServer smtp) {
    return ctx.vertx().executeBlocking(smtp::inbox).onFailure(ctx::fail);
  }

  private static String page(List<ReceivedMail> mails) {
    StringBuilder html = new StringBuilder("<!doctype html><meta charset=\"utf-8\"><title>Mail inbox</title>");
    for (ReceivedMail mail : mails) {
      html.append("<article data-to=\"").append(escape(String.join(",", mail.to()))).append("\"><h2>")
          .append(escape(mail.subject())).append("</h2><p>");
      Matcher link = LINK.matcher(mail.text() == null ? "" : mail.text());
      while (link.find()) {
        html.append("<a href=\"").append(escape(link.group())).append("\">").append(escape(link.group())).append("</a> ");
      }
      html.append("</p></article>");
    }
    return html.toString();
  }

  private static String escape(String text) {
    return String.valueOf(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  @Override
  public void close() throws Exception {
    BrowserStack.await(vertx.close());
  }
}
