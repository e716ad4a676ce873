package io.cotoami.infra;

import io.cotoami.common.bus.Addresses;
import io.cotoami.common.session.RevocationPage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * auth-service's answer to {@code auth.revoked-sessions.list} when nothing was revoked, for tests of
 * a gateway or coto-service without auth-service: they refuse sessions with 503 and are not ready
 * until someone answers it.
 */
public final class NoRevocations {
  private NoRevocations() {
  }

  /** Answers every catch-up of the cluster {@code vertx} is a member of: nothing after what was asked. */
  public static Future<Void> serve(Vertx vertx) {
    return vertx.eventBus().<JsonObject>consumer(Addresses.REVOKED_SESSIONS_LIST, message ->
            message.reply(RevocationPage.none(RevocationPage.Query.fromJson(message.body()).after()).toJson()))
        .completion();
  }
}
