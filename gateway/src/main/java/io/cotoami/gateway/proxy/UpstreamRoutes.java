package io.cotoami.gateway.proxy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Which service answers which public path: the gateway's one routing table. */
public final class UpstreamRoutes {
  public static final String COTO_SERVICE = "coto-service";
  public static final String AUTH_SERVICE = "auth-service";
  public static final String MAIL_SERVICE = "mail-service";
  /** Services whose instances {@code /api/debug/{service}} may reach. */
  public static final Set<String> DEBUGGABLE = Set.of(COTO_SERVICE, AUTH_SERVICE, MAIL_SERVICE);

  private static final Map<String, String> BY_PREFIX = new LinkedHashMap<>();

  static {
    BY_PREFIX.put("/api/cotos", COTO_SERVICE);
    BY_PREFIX.put("/api/cotonomas", COTO_SERVICE);
    BY_PREFIX.put("/api/search", COTO_SERVICE);
    BY_PREFIX.put("/api/graph", COTO_SERVICE);
    BY_PREFIX.put("/api/export", COTO_SERVICE);
    BY_PREFIX.put("/api/import", COTO_SERVICE);
    BY_PREFIX.put("/api/auth/", AUTH_SERVICE);
    BY_PREFIX.put("/api/session", AUTH_SERVICE);
    BY_PREFIX.put("/api/users", AUTH_SERVICE);
    BY_PREFIX.put("/signin/", AUTH_SERVICE);
  }

  private UpstreamRoutes() {
  }

  /** The service for a public path, matched on whole path segments. */
  public static Optional<String> serviceFor(String path) {
    for (Map.Entry<String, String> route : BY_PREFIX.entrySet()) {
      String prefix = route.getKey();
      if (path.equals(prefix) || path.startsWith(prefix.endsWith("/") ? prefix : prefix + "/")) {
        return Optional.of(route.getValue());
      }
    }
    return Optional.empty();
  }
}
