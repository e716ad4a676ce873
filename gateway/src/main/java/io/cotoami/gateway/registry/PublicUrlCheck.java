package io.cotoami.gateway.registry;

import io.cotoami.common.bus.Addresses;
import io.cotoami.common.registry.InstanceInfo;
import io.cotoami.gateway.proxy.UpstreamRoutes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.concurrent.ConcurrentHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway and auth-service must agree on PUBLIC_URL: the gateway allows that origin and
 * auth-service mails links to it. Each auth-service instance announces its own; this logs the
 * first announcement of each and fails the gateway's readiness while any known instance differs.
 */
public final class PublicUrlCheck {
  private static final Logger LOG = LoggerFactory.getLogger(PublicUrlCheck.class);

  private final Vertx vertx;
  private final InstanceRegistry registry;
  private final URI own;
  private final Set<String> logged = ConcurrentHashMap.newKeySet();

  public PublicUrlCheck(Vertx vertx, InstanceRegistry registry, URI own) {
    this.vertx = vertx;
    this.registry = registry;
    this.own = own;
  }

  public Future<Void> start() {
    return vertx.eventBus().<JsonObject>consumer(Addresses.INSTANCE_ANNOUNCED, m -> log(InstanceInfo.fromJson(m.body())))
        .completion();
  }

  /** The readiness check: fails naming each auth-service instance whose PUBLIC_URL is not ours. */
  public Future<Void> verify() {
    List<InstanceInfo> auth = registry.all().stream()
        .filter(i -> UpstreamRoutes.AUTH_SERVICE.equals(i.service())).toList();
    logged.retainAll(auth.stream().map(InstanceInfo::instanceId).collect(Collectors.toSet()));
    List<String> mismatched = auth.stream()
        .filter(i -> i.publicUrl() != null && !same(i.publicUrl()))
        .map(i -> i.instanceId() + " has " + i.publicUrl())
        .toList();
    if (mismatched.isEmpty()) {
      return Future.succeededFuture();
    }
    return Future.failedFuture("PUBLIC_URL is " + own + " here, but auth-service " + String.join(", ", mismatched)
        + ": its sign-in links would lead elsewhere");
  }

  private void log(InstanceInfo info) {
    if (!UpstreamRoutes.AUTH_SERVICE.equals(info.service()) || !logged.add(info.instanceId())) {
      return;
    }
    if (info.publicUrl() == null || same(info.publicUrl())) {
      LOG.info("auth-service {} announces PUBLIC_URL {} (this gateway's is {})", info.instanceId(), info.publicUrl(), own);
    } else {
      LOG.warn("auth-service {} announces PUBLIC_URL {}, but this gateway's is {}: not ready until they agree",
          info.instanceId(), info.publicUrl(), own);
    }
  }

  private boolean same(String announced) {
    return normal(URI.create(announced)).equals(normal(own));
  }

  /** Scheme and host in lower case, the default port made explicit, no trailing slash. */
  static String normal(URI url) {
    String scheme = url.getScheme().toLowerCase(Locale.ROOT);
    int port = url.getPort() != -1 ? url.getPort() : scheme.equals("https") ? 443 : 80;
    String path = url.getPath() == null ? "" : url.getPath().replaceAll("/+$", "");
    return scheme + "://" + url.getHost().toLowerCase(Locale.ROOT) + ":" + port + path;
  }
}
