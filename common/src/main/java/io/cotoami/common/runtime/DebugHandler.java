package io.cotoami.common.runtime;

import io.cotoami.common.config.InstanceConfig;
import io.cotoami.common.http.Problem;
import io.cotoami.common.http.Problems;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;

/**
 * The http-debug-server: says which instance answered and what request it saw. {@code ?delay=ms}
 * (at most 5 s) holds the answer, to watch draining and failover with a request in flight.
 */
final class DebugHandler implements Handler<RoutingContext> {
  static final long MAX_DELAY_MS = 5_000;
  /**
   * Never echoed: a page script could otherwise read its own HttpOnly session cookie through this
   * route (cross-site tracing), and bearer tokens do not belong in answers either.
   */
  private static final Set<String> SECRET_HEADERS = Set.of("cookie", "authorization",
      "proxy-authorization");
  private final InstanceConfig config;
  private final long startedAt;
  private final String hostname;

  DebugHandler(InstanceConfig config, long startedAt) {
    this.config = config;
    this.startedAt = startedAt;
    String name;
    try {
      name = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      name = "unknown";
    }
    this.hostname = name;
  }

  @Override
  public void handle(RoutingContext ctx) {
    long delay;
    try {
      delay = Long.parseLong(ctx.request().getParam("delay", "0"));
    } catch (NumberFormatException e) {
      delay = -1;
    }
    if (delay < 0 || delay > MAX_DELAY_MS) {
      Problems.send(ctx, Problem.validation("'delay' must be a number of milliseconds from 0 to " + MAX_DELAY_MS + "."));
      return;
    }
    if (delay == 0) {
      answer(ctx);
    } else {
      ctx.vertx().setTimer(delay, id -> answer(ctx));
    }
  }

  private void answer(RoutingContext ctx) {
    JsonObject headers = new JsonObject();
    ctx.request().headers().forEach(h -> headers.put(h.getKey(),
        SECRET_HEADERS.contains(h.getKey().toLowerCase(Locale.ROOT)) ? "(redacted)" : h.getValue()));
    JsonObject body = new JsonObject()
        .put("service", config.service())
        .put("instanceId", config.instanceId())
        .put("hostname", hostname)
        .put("pid", ProcessHandle.current().pid())
        .put("uptimeSeconds", (System.currentTimeMillis() - startedAt) / 1000)
        .put("method", ctx.request().method().name())
        .put("uri", ctx.request().uri())
        .put("headers", headers);
    ctx.response().putHeader("Content-Type", "application/json").end(body.encodePrettily());
  }
}
