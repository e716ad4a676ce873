package io.cotoami.gateway.dev;

import io.cotoami.common.http.Problem;
import io.cotoami.common.http.Problems;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;

/**
 * Dev mode only ({@code DEV_MODE=true}, as {@code ./cotoami up} sets): {@code /dev/mail} and
 * {@code /dev/mail.json} show the local mail inbox of the launcher ({@code DEV_MAIL_URL}, default
 * {@code http://127.0.0.1:8025}), so the sign-in mail can be read at the app's own address.
 */
public final class DevMailRoutes {

  private final HttpClient client;
  private final URI inbox;

  private DevMailRoutes(Vertx vertx, URI inbox) {
    this.inbox = inbox;
    this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(2000));
  }

  /** The inbox address from {@code DEV_MAIL_URL}; read once, when dev mode mounts these routes. */
  public static void mount(Router router, Vertx vertx, URI inbox) {
    DevMailRoutes routes = new DevMailRoutes(vertx, inbox);
    router.get("/dev/mail").handler(ctx -> routes.forward(ctx, "/"));
    router.get("/dev/mail.json").handler(ctx -> routes.forward(ctx, "/mail.json"));
  }

  private void forward(RoutingContext ctx, String path) {
    int port = inbox.getPort() < 0 ? 80 : inbox.getPort();
    RequestOptions request = new RequestOptions().setMethod(HttpMethod.GET).setHost(inbox.getHost()).setPort(port)
        .setURI(path).setIdleTimeout(5000);
    client.request(request)
        .compose(req -> req.send())
        .compose(answer -> answer.body().map(body -> {
          ctx.response()
              .setStatusCode(answer.statusCode())
              .putHeader("Content-Type", String.valueOf(answer.getHeader("Content-Type")))
              .putHeader("Cache-Control", "no-store")
              .end(body);
          return (HttpClientResponse) null;
        }))
        .onFailure(e -> Problems.send(ctx, Problem.unavailable("The local mail inbox is not reachable at " + inbox + ".")));
  }
}
