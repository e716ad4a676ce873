package io.cotoami.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Kubernetes manifests as typed fabric8 objects. Parsing is strict: an unknown kind or
 * apiVersion, a field the model does not know (a typo such as {@code readinesProbe}) or a value of
 * the wrong type fails, naming the object and the path.
 */
final class Manifests {
  private static final String GATEWAY_API = "gateway.networking.k8s.io/v1";
  private static final String RBAC = "rbac.authorization.k8s.io/v1";
  /** The kinds we deploy, each with the one apiVersion we use for it. */
  private static final Map<String, Kind> KINDS = Map.ofEntries(
      Map.entry("Namespace", new Kind("v1", Namespace.class)),
      Map.entry("ConfigMap", new Kind("v1", ConfigMap.class)),
      Map.entry("Secret", new Kind("v1", Secret.class)),
      Map.entry("Service", new Kind("v1", Service.class)),
      Map.entry("ServiceAccount", new Kind("v1", ServiceAccount.class)),
      Map.entry("Deployment", new Kind("apps/v1", Deployment.class)),
      Map.entry("StatefulSet", new Kind("apps/v1", StatefulSet.class)),
      Map.entry("NetworkPolicy", new Kind("networking.k8s.io/v1", NetworkPolicy.class)),
      Map.entry("Ingress", new Kind("networking.k8s.io/v1", Ingress.class)),
      Map.entry("PodDisruptionBudget", new Kind("policy/v1", PodDisruptionBudget.class)),
      Map.entry("Gateway", new Kind(GATEWAY_API, Gateway.class)),
      Map.entry("HTTPRoute", new Kind(GATEWAY_API, HTTPRoute.class)),
      Map.entry("Role", new Kind(RBAC, Role.class)),
      Map.entry("RoleBinding", new Kind(RBAC, RoleBinding.class)),
      Map.entry("ClusterRole", new Kind(RBAC, ClusterRole.class)),
      Map.entry("ClusterRoleBinding", new Kind(RBAC, ClusterRoleBinding.class)));

  /** Kinds that live outside any namespace. */
  static final java.util.Set<String> CLUSTER_SCOPED = java.util.Set.of("Namespace", "ClusterRole", "ClusterRoleBinding");

  private static final JsonMapper MAPPER = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .build();

  private record Kind(String apiVersion, Class<? extends HasMetadata> type) {
  }

  final String source;
  final List<HasMetadata> objects;

  private Manifests(String source, List<HasMetadata> objects) {
    this.source = source;
    this.objects = List.copyOf(objects);
  }

  static Manifests parse(String source, String yaml) {
    List<HasMetadata> objects = new ArrayList<>();
    for (Map<String, Object> doc : Yaml.documents(yaml)) {
      objects.add(typed(source, doc));
    }
    return new Manifests(source, objects);
  }

  private static HasMetadata typed(String source, Map<String, Object> doc) {
    String kind = String.valueOf(doc.get("kind"));
    String name = String.valueOf(Yaml.at(doc, "metadata", "name"));
    String where = source + ": " + kind + " " + name;
    Kind known = KINDS.get(kind);
    if (known == null) {
      throw new AssertionError(where + ": a kind these manifests do not use (typo?)");
    }
    if (!known.apiVersion().equals(doc.get("apiVersion"))) {
      throw new AssertionError(where + ": apiVersion " + doc.get("apiVersion") + ", expected " + known.apiVersion());
    }
    HasMetadata object;
    try {
      object = MAPPER.convertValue(doc, known.type());
    } catch (RuntimeException e) {
      throw new AssertionError(where + ": does not parse as " + known.type().getSimpleName() + ": " + e.getMessage(), e);
    }
    List<String> unknown = new ArrayList<>();
    collectUnknownFields(object, kind, unknown, 0);
    if (!unknown.isEmpty()) {
      throw new AssertionError(where + ": fields unknown to Kubernetes: " + unknown);
    }
    return object;
  }

  /**
   * fabric8's model keeps fields it does not know in "additionalProperties" instead of failing,
   * so the strictness is here: walk every JSON property of the typed object and report those.
   */
  private static void collectUnknownFields(Object value, String path, List<String> unknown, int depth) {
    if (value == null || depth > 64) {
      return;
    }
    if (value instanceof Collection<?> items) {
      int i = 0;
      for (Object item : items) {
        collectUnknownFields(item, path + "[" + i++ + "]", unknown, depth + 1);
      }
      return;
    }
    if (value instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        collectUnknownFields(entry.getValue(), path + "." + entry.getKey(), unknown, depth + 1);
      }
      return;
    }
    if (!value.getClass().getName().startsWith("io.fabric8.")) {
      return;
    }
    for (Class<?> type = value.getClass(); type != null && type != Object.class; type = type.getSuperclass()) {
      for (Field field : type.getDeclaredFields()) {
        if (Modifier.isStatic(field.getModifiers())) {
          continue;
        }
        Object fieldValue = read(field, value);
        if (field.getName().equals("additionalProperties")) {
          if (fieldValue instanceof Map<?, ?> extra && !extra.isEmpty()) {
            extra.keySet().forEach(key -> unknown.add(path + "." + key));
          }
        } else if (field.isAnnotationPresent(com.fasterxml.jackson.annotation.JsonProperty.class)) {
          collectUnknownFields(fieldValue, path + "." + field.getName(), unknown, depth + 1);
        }
      }
    }
  }

  private static Object read(Field field, Object target) {
    try {
      field.setAccessible(true);
      return field.get(target);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException("Cannot read " + field, e);
    }
  }

  <T extends HasMetadata> List<T> all(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).collect(Collectors.toList());
  }

  <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
    return all(type).stream().filter(o -> name.equals(o.getMetadata().getName())).findFirst();
  }

  <T extends HasMetadata> T get(Class<T> type, String name) {
    return find(type, name).orElseThrow(
        () -> new AssertionError(source + ": no " + type.getSimpleName() + " named " + name));
  }

  /** Every pod template, with the name of the workload that owns it. */
  Map<String, PodTemplateSpec> podTemplates() {
    Map<String, PodTemplateSpec> templates = new java.util.LinkedHashMap<>();
    all(Deployment.class).forEach(d -> templates.put("Deployment " + d.getMetadata().getName(), d.getSpec().getTemplate()));
    all(StatefulSet.class).forEach(s -> templates.put("StatefulSet " + s.getMetadata().getName(), s.getSpec().getTemplate()));
    return templates;
  }

  @Override
  public String toString() {
    return source;
  }
}
