package io.cotoami.common.http;

import io.vertx.core.http.HttpServerRequest;

/**
 * The client's address as the gateway saw it. The gateway replaces any incoming
 * {@code X-Forwarded-For} with the address that connected to it, and services are not public, so
 * its last hop is the client; without it, the peer of this connection.
 */
public final class ClientAddresses {
  private ClientAddresses() {
  }

  public static String of(HttpServerRequest request) {
    String forwarded = request.getHeader("X-Forwarded-For");
    if (forwarded != null && !forwarded.isBlank()) {
      String[] hops = forwarded.split(",");
      String last = hops[hops.length - 1].trim();
      if (!last.isEmpty() && last.length() <= 64) {
        return last;
      }
    }
    return request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
  }
}
