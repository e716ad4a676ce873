package io.cotoami.coto.api;

import io.cotoami.common.session.SessionVerifier;
import io.cotoami.coto.domain.Caller;
import io.cotoami.coto.domain.DomainProblems;
import io.vertx.ext.web.RoutingContext;

/**
 * Who is calling, from the session token the request carries (bearer or cookie), verified here:
 * nothing set by another hop is trusted. No token: an anonymous visitor. A bad token: 401.
 */
final class Callers {
  private static final String KEY = "caller";
  private static final String NAME = "callerName";
  private final SessionVerifier verifier;

  Callers(SessionVerifier verifier) {
    this.verifier = verifier;
  }

  void handle(RoutingContext ctx) {
    if (SessionVerifier.tokenOf(ctx.request()).isEmpty()) {
      ctx.next();
      return;
    }
    // A read-only personal access token is refused anything but reads here (403).
    verifier.verifyFor(ctx.request())
        .map(session -> {
          Caller caller = Caller.of(session);
          ctx.put(NAME, session.name());
          return caller;
        })
        .onSuccess(caller -> {
          ctx.put(KEY, caller);
          ctx.next();
        })
        .onFailure(ctx::fail);
  }

  /** The signed-in caller, or null for an anonymous visitor. */
  static Caller of(RoutingContext ctx) {
    return ctx.get(KEY);
  }

  /** The signed-in caller's display name as their session says it, or null. */
  static String name(RoutingContext ctx) {
    return ctx.get(NAME);
  }

  /** The signed-in caller; an anonymous visitor gets a 401 problem. */
  static Caller required(RoutingContext ctx, String forWhat) {
    Caller caller = of(ctx);
    if (caller == null) {
      throw DomainProblems.signInRequired("Sign in to " + forWhat + ".");
    }
    return caller;
  }
}
