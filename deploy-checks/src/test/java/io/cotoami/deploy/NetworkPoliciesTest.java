package io.cotoami.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Reads the NetworkPolicies of each rendering as Kubernetes does (a pod selected by a policy of a
 * direction accepts only what some rule of those policies allows; a connection needs the
 * sender's egress and the receiver's ingress) and checks who may reach whom, port by port.
 */
@DisplayName("The NetworkPolicies")
class NetworkPoliciesTest {
  private static final String NAMESPACE = "cotoami";
  private static final Set<String> MEMBERS = Set.of("gateway", "coto-service", "auth-service", "mail-service");

  static List<String> all() {
    return Renderings.all();
  }

  /** A pod, inside the namespace (from the manifests) or a stand-in outside it; host: outside the cluster. */
  record Peer(String name, Map<String, String> namespaceLabels, Map<String, String> labels, Map<String, Integer> ports,
              boolean host) {
    boolean inside() {
      return !host && NAMESPACE.equals(namespaceLabels.get("kubernetes.io/metadata.name"));
    }
  }

  private static Peer outside(String namespace, String name, Map<String, String> labels) {
    return new Peer(name, Map.of("kubernetes.io/metadata.name", namespace), labels, Map.of(), false);
  }

  private static final Peer KUBE_DNS = outside("kube-system", "kube-dns", Map.of("k8s-app", "kube-dns"));
  private static final Peer PROMETHEUS = outside("monitoring", "prometheus", Map.of("app.kubernetes.io/name", "prometheus"));
  private static final Peer STRANGER = outside("default", "a stranger's pod", Map.of("app", "gateway"));
  private static final Peer ENVOY = outside("envoy-gateway-system", "Envoy Gateway's proxy", Map.of("app", "envoy"));
  private static final Peer INGRESS_NGINX = outside("ingress-nginx", "ingress-nginx", Map.of("app", "ingress-nginx"));
  private static final Peer RELAY = new Peer("an SMTP relay", Map.of(), Map.of(), Map.of(), true);

  private static Map<String, Peer> pods(Manifests m) {
    Map<String, Peer> pods = new LinkedHashMap<>();
    m.podTemplates().forEach((owner, template) -> {
      Map<String, Integer> ports = new LinkedHashMap<>();
      template.getSpec().getContainers().forEach(c -> {
        for (ContainerPort p : c.getPorts()) {
          ports.put(p.getName() == null ? String.valueOf(p.getContainerPort()) : p.getName(), p.getContainerPort());
        }
      });
      String app = template.getMetadata().getLabels().get("app");
      pods.put(app, new Peer(app, Map.of("kubernetes.io/metadata.name", NAMESPACE), template.getMetadata().getLabels(), ports, false));
    });
    return pods;
  }

  private static boolean selects(LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return true;
    }
    assertTrue(selector.getMatchExpressions() == null || selector.getMatchExpressions().isEmpty(),
        "matchExpressions are not read by this check: use matchLabels");
    Map<String, String> wanted = selector.getMatchLabels() == null ? Map.of() : selector.getMatchLabels();
    return labels.entrySet().containsAll(wanted.entrySet());
  }

  private static boolean matches(NetworkPolicyPeer peer, Peer other) {
    if (peer.getIpBlock() != null) {
      return other.host() && peer.getIpBlock().getCidr().equals("0.0.0.0/0");
    }
    if (other.host()) {
      return false;
    }
    if (peer.getNamespaceSelector() == null) {
      return other.inside() && selects(peer.getPodSelector(), other.labels());
    }
    return selects(peer.getNamespaceSelector(), other.namespaceLabels()) && selects(peer.getPodSelector(), other.labels());
  }

  private static boolean portMatches(List<NetworkPolicyPort> ports, Peer receiver, int port, String protocol) {
    if (ports == null || ports.isEmpty()) {
      return true;
    }
    for (NetworkPolicyPort p : ports) {
      String proto = p.getProtocol() == null ? "TCP" : p.getProtocol();
      if (!proto.equals(protocol)) {
        continue;
      }
      if (p.getPort() == null) {
        return true;
      }
      Integer number = p.getPort().getIntVal() != null ? p.getPort().getIntVal() : receiver.ports().get(p.getPort().getStrVal());
      if (number != null && number == port) {
        return true;
      }
    }
    return false;
  }

  private static boolean ingress(Manifests m, Peer from, Peer to, int port, String protocol) {
    if (!to.inside()) {
      return true;
    }
    List<NetworkPolicy> selecting = m.all(NetworkPolicy.class).stream()
        .filter(p -> p.getSpec().getPolicyTypes().contains("Ingress") && selects(p.getSpec().getPodSelector(), to.labels()))
        .toList();
    if (selecting.isEmpty()) {
      return true;
    }
    return selecting.stream().flatMap(p -> p.getSpec().getIngress().stream()).anyMatch(rule ->
        (rule.getFrom() == null || rule.getFrom().isEmpty() || rule.getFrom().stream().anyMatch(peer -> matches(peer, from)))
            && portMatches(rule.getPorts(), to, port, protocol));
  }

  private static boolean egress(Manifests m, Peer from, Peer to, int port, String protocol) {
    if (!from.inside()) {
      return true;
    }
    List<NetworkPolicy> selecting = m.all(NetworkPolicy.class).stream()
        .filter(p -> p.getSpec().getPolicyTypes().contains("Egress") && selects(p.getSpec().getPodSelector(), from.labels()))
        .toList();
    if (selecting.isEmpty()) {
      return true;
    }
    return selecting.stream().flatMap(p -> p.getSpec().getEgress().stream()).anyMatch(rule ->
        (rule.getTo() == null || rule.getTo().isEmpty() || rule.getTo().stream().anyMatch(peer -> matches(peer, to)))
            && portMatches(rule.getPorts(), to, port, protocol));
  }

  static boolean reaches(Manifests m, Peer from, Peer to, int port, String protocol) {
    return egress(m, from, to, port, protocol) && ingress(m, from, to, port, protocol);
  }

  /** The connections inside the namespace that must be open; every other one must be closed. */
  private static boolean expected(String from, String to, int port) {
    if (MEMBERS.contains(from) && MEMBERS.contains(to) && (port == 5701 || port == 5702)) {
      return true;
    }
    return switch (from + " -> " + to + ":" + port) {
      case "gateway -> coto-service:8081", "gateway -> auth-service:8082",
           "coto-service -> postgres:5432", "auth-service -> postgres:5432",
           "coto-service -> redis:6379", "auth-service -> redis:6379", "mail-service -> redis:6379",
           "coto-service -> redis-anon:6379",
           "mail-service -> mailpit:1025" -> true;
      default -> false;
    };
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("all")
  @DisplayName("deny every connection in and out of the namespace unless a policy allows it")
  void defaultDeny(String rendering) {
    Manifests m = Renderings.get(rendering);
    assertTrue(m.all(NetworkPolicy.class).stream().anyMatch(p -> {
      LabelSelector selector = p.getSpec().getPodSelector();
      boolean everyPod = (selector.getMatchLabels() == null || selector.getMatchLabels().isEmpty())
          && (selector.getMatchExpressions() == null || selector.getMatchExpressions().isEmpty());
      return everyPod && p.getSpec().getPolicyTypes().containsAll(List.of("Ingress", "Egress"))
          && p.getSpec().getIngress().isEmpty() && p.getSpec().getEgress().isEmpty();
    }),
        rendering + ": a default-deny policy for ingress and egress selects every pod");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("all")
  @DisplayName("open, inside the namespace, exactly: members to members on 5701/5702, the gateway to the services' HTTP ports, the services to their stores, mail-service to the mail catcher")
  void insideTheNamespace(String rendering) {
    Manifests m = Renderings.get(rendering);
    Map<String, Peer> pods = pods(m);
    List<String> wrong = new ArrayList<>();
    for (Peer from : pods.values()) {
      for (Peer to : pods.values()) {
        for (int port : new TreeSet<>(to.ports().values())) {
          boolean open = reaches(m, from, to, port, "TCP");
          if (open != expected(from.name(), to.name(), port)) {
            wrong.add(from.name() + " -> " + to.name() + ":" + port + (open ? " is open" : " is closed"));
          }
        }
      }
    }
    assertEquals(List.of(), wrong, rendering);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("all")
  @DisplayName("let every pod resolve names, Prometheus reach only the management port, and no pod of another namespace anything but the public entry")
  void fromOutside(String rendering) {
    Manifests m = Renderings.get(rendering);
    Map<String, Peer> pods = pods(m);
    boolean cloud = rendering.equals(Renderings.GATEWAY_API) || rendering.equals(Renderings.INGRESS_NGINX);
    Peer entry = rendering.equals(Renderings.GATEWAY_API) ? ENVOY : INGRESS_NGINX;
    for (Peer pod : pods.values()) {
      String where = rendering + ": " + pod.name();
      assertTrue(reaches(m, pod, KUBE_DNS, 53, "UDP") && reaches(m, pod, KUBE_DNS, 53, "TCP"), where + " resolves names");
      for (Map.Entry<String, Integer> port : pod.ports().entrySet()) {
        boolean management = MEMBERS.contains(pod.name()) && port.getKey().equals("management");
        // Without an entry in front (base, minikube), the gateway's and Mailpit's HTTP ports are open to all.
        boolean publicEntry = pod.name().equals("gateway") && port.getKey().equals("http")
            || pod.name().equals("mailpit") && port.getKey().equals("http");
        assertEquals(management || publicEntry && !cloud, reaches(m, PROMETHEUS, pod, port.getValue(), "TCP"),
            where + ": Prometheus reaching " + port.getKey() + " (" + port.getValue() + ")");
        assertEquals(publicEntry && !cloud, reaches(m, STRANGER, pod, port.getValue(), "TCP"),
            where + ": a pod of another namespace reaching " + port.getKey());
        if (cloud) {
          assertEquals(pod.name().equals("gateway") && port.getKey().equals("http"), reaches(m, entry, pod, port.getValue(), "TCP"),
              where + ": " + entry.name() + " reaching " + port.getKey());
        }
      }
      assertEquals(cloud && pod.name().equals("mail-service"), reaches(m, pod, RELAY, 587, "TCP"),
          where + ": sending to an SMTP relay outside the cluster");
      assertTrue(!reaches(m, pod, RELAY, 443, "TCP"), where + ": reaching anything else outside the cluster");
    }
  }
}
