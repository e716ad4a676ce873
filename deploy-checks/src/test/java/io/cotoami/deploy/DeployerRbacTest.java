package io.cotoami.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The delivery account's RBAC (k8s/delivery/deployer-rbac.yaml)")
class DeployerRbacTest {
  private static final Manifests RBAC = Manifests.parse("k8s/delivery/deployer-rbac.yaml", Repo.read("k8s/delivery/deployer-rbac.yaml"));

  private static boolean grants(List<PolicyRule> rules, String group, String resource, String verb) {
    return rules.stream().anyMatch(r -> r.getApiGroups().contains(group) && r.getResources().contains(resource)
        && r.getVerbs().contains(verb));
  }

  @Test
  @DisplayName("lets the roll get, list, watch and patch Deployments and get and list ReplicaSets and Pods, bound to its own account")
  void theRoll() {
    Role role = RBAC.get(Role.class, "cotoami-deployer");
    for (String verb : List.of("get", "list", "watch", "patch")) {
      assertTrue(grants(role.getRules(), "apps", "deployments", verb), "deployments " + verb);
    }
    for (String verb : List.of("get", "list")) {
      assertTrue(grants(role.getRules(), "apps", "replicasets", verb), "replicasets " + verb);
      assertTrue(grants(role.getRules(), "", "pods", verb), "pods " + verb);
    }
    RoleBinding binding = RBAC.get(RoleBinding.class, "cotoami-deployer");
    assertEquals("cotoami-deployer", binding.getRoleRef().getName());
    assertEquals("cotoami-deployer", binding.getSubjects().get(0).getName());
    assertEquals("ServiceAccount", binding.getSubjects().get(0).getKind());
  }

  @Test
  @DisplayName("lets it apply every kind the delivered overlay holds, and nothing more: no delete, no Secrets, no wildcard, the namespace by name")
  void leastPrivilege() {
    Role role = RBAC.get(Role.class, "cotoami-deployer");
    for (String rendering : List.of(Renderings.GATEWAY_API, Renderings.INGRESS_NGINX)) {
      for (HasMetadata o : Renderings.get(rendering).objects) {
        if (Manifests.CLUSTER_SCOPED.contains(o.getKind())) {
          continue;
        }
        String group = o.getApiVersion().contains("/") ? o.getApiVersion().substring(0, o.getApiVersion().indexOf('/')) : "";
        String resource = plural(o.getKind());
        for (String verb : List.of("get", "create", "patch")) {
          assertTrue(grants(role.getRules(), group, resource, verb), rendering + ": cannot " + verb + " " + group + "/" + resource);
        }
      }
    }
    for (PolicyRule rule : role.getRules()) {
      assertFalse(rule.getVerbs().contains("*") || rule.getResources().contains("*") || rule.getApiGroups().contains("*"), "a wildcard");
      assertFalse(rule.getVerbs().contains("delete") || rule.getVerbs().contains("deletecollection"), "delete");
      assertFalse(rule.getResources().contains("secrets"), "Secrets are a person's, not CD's");
      assertFalse(Set.of("roles", "rolebindings").stream().anyMatch(rule.getResources()::contains), "CD must not grant itself rights");
    }
    ClusterRole namespace = RBAC.get(ClusterRole.class, "cotoami-deployer-namespace");
    assertEquals(1, namespace.getRules().size());
    PolicyRule rule = namespace.getRules().get(0);
    assertEquals(List.of("namespaces"), rule.getResources());
    assertEquals(List.of("cotoami"), rule.getResourceNames(), "only its own namespace");
    assertEquals(Set.of("get", "patch"), Set.copyOf(rule.getVerbs()));
  }

  private static String plural(String kind) {
    String lower = kind.toLowerCase(Locale.ROOT);
    if (lower.matches(".*[^aeiou]y")) {
      return lower.substring(0, lower.length() - 1) + "ies";
    }
    return lower.endsWith("s") ? lower + "es" : lower + "s";
  }
}
