package io.cotoami.deploy;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** What `kubectl apply` would receive: the base, each overlay, and the committed all-in-one file. */
final class Renderings {
  static final String BASE = "k8s/base";
  static final String MINIKUBE = "k8s/overlays/minikube";
  static final String GATEWAY_API = "k8s/overlays/cloud-gateway-api";
  static final String INGRESS_NGINX = "k8s/overlays/cloud-ingress-nginx";
  static final String ALL_IN_ONE = "k8s/all-in-one.yaml";

  private static final Map<String, Manifests> CACHE = new ConcurrentHashMap<>();

  private Renderings() {
  }

  static List<String> all() {
    return List.of(BASE, MINIKUBE, GATEWAY_API, INGRESS_NGINX, ALL_IN_ONE);
  }

  static List<String> deployable() {
    return List.of(MINIKUBE, GATEWAY_API, INGRESS_NGINX, ALL_IN_ONE);
  }

  static Manifests get(String name) {
    Manifests cached = CACHE.get(name);
    if (cached != null) {
      return cached;
    }
    String yaml = name.endsWith(".yaml") ? Repo.read(name) : Kustomize.render(Repo.path(name));
    Manifests parsed = Manifests.parse(name, yaml);
    CACHE.put(name, parsed);
    return parsed;
  }

  /** Durations as the services read them: 500ms, 20s, 5m. */
  static Duration duration(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (v.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
    }
    long amount = Long.parseLong(v.substring(0, v.length() - 1));
    switch (v.charAt(v.length() - 1)) {
      case 's': return Duration.ofSeconds(amount);
      case 'm': return Duration.ofMinutes(amount);
      case 'h': return Duration.ofHours(amount);
      default: throw new IllegalArgumentException("Not a duration: " + value);
    }
  }
}
