package io.cotoami.gateway.proxy;

import io.cotoami.common.registry.InstanceInfo;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The affinity ("route") cookies: one per upstream service, naming an instance in an opaque,
 * tamper-proof form — an HMAC of the instance id under a secret every gateway replica shares. A
 * client can neither learn an instance's address from it nor steer itself to an instance of its
 * choice; a forged, stale or garbage value simply matches no instance.
 */
public final class AffinityCookies {
  static final String SHARED_MAP = "cotoami.gateway";
  static final String SECRET_KEY = "affinity-secret";
  private final byte[] secret;
  /** Values are computed once per instance: the HMAC is not redone on every request. */
  private final Map<String, String> values = new ConcurrentHashMap<>();

  AffinityCookies(byte[] secret) {
    this.secret = secret.clone();
  }

  /**
   * The configured secret, or else the one the first gateway of the cluster put in a cluster-wide
   * map, so that every replica reads the same cookies without configuration.
   */
  public static Future<AffinityCookies> shared(Vertx vertx, String configured) {
    if (configured != null) {
      return Future.succeededFuture(new AffinityCookies(configured.getBytes(StandardCharsets.UTF_8)));
    }
    byte[] fresh = new byte[32];
    new SecureRandom().nextBytes(fresh);
    String candidate = Base64.getEncoder().encodeToString(fresh);
    return vertx.sharedData().<String, String>getClusterWideMap(SHARED_MAP)
        .compose(map -> map.putIfAbsent(SECRET_KEY, candidate))
        .map(existing -> new AffinityCookies(Base64.getDecoder().decode(existing == null ? candidate : existing)));
  }

  /** The cookie that pins a client to one service's instances: {@code cotoami_route_coto_service}. */
  public static String cookieName(String service) {
    return "cotoami_route_" + service.replace('-', '_');
  }

  public String valueFor(InstanceInfo instance) {
    return values.computeIfAbsent(instance.service() + "/" + instance.instanceId(), this::hmac);
  }

  private String hmac(String name) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      byte[] digest = mac.doFinal(name.getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(digest, 18));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }

  /** The candidate the cookie names, if any. */
  public Optional<InstanceInfo> resolve(String cookie, List<InstanceInfo> candidates) {
    if (cookie == null || cookie.length() != 24) {
      return Optional.empty();
    }
    byte[] presented = cookie.getBytes(StandardCharsets.US_ASCII);
    for (InstanceInfo candidate : candidates) {
      if (MessageDigest.isEqual(presented, valueFor(candidate).getBytes(StandardCharsets.US_ASCII))) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
