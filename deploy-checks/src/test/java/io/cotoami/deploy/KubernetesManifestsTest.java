package io.cotoami.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.RollingUpdateDeployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("The Kubernetes manifests")
class KubernetesManifestsTest {

  static List<String> all() {
    return Renderings.all();
  }

  static List<String> deployable() {
    return Renderings.deployable();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("all")
  @DisplayName("parse into typed Kubernetes objects with no unknown field, kind or apiVersion")
  void parseStrictly(String rendering) {
    Manifests manifests = Renderings.get(rendering);
    assertFalse(manifests.objects.isEmpty(), rendering + " is empty");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("all")
  @DisplayName("give every service a Deployment, a Service and a ServiceAccount of its own name")
  void everyServiceHasItsObjects(String rendering) {
    Manifests m = Renderings.get(rendering);
    for (Services service : Services.values()) {
      Deployment deployment = m.get(Deployment.class, service.id);
      m.get(Service.class, service.id);
      ServiceAccount account = m.get(ServiceAccount.class, service.id);
      assertEquals(service.id, deployment.getSpec().getTemplate().getSpec().getServiceAccountName(),
          rendering + ": " + service + " runs as its own ServiceAccount");
      assertEquals(Boolean.FALSE, account.getAutomountServiceAccountToken(),
          rendering + ": " + service + "'s ServiceAccount mounts no API token (DNS discovery needs none)");
      assertEquals(Boolean.FALSE, deployment.getSpec().getTemplate().getSpec().getAutomountServiceAccountToken(),
          rendering + ": " + service + " pods mount no API token");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("all")
  @DisplayName("probe /health/live for startup and liveness and /health/ready for readiness on the management port, where Prometheus scrapes too")
  void probes(String rendering) {
    Manifests m = Renderings.get(rendering);
    for (Services service : Services.values()) {
      Container c = container(m, service);
      String where = rendering + ": " + service;
      assertHttpProbe(where + " startupProbe", c.getStartupProbe(), "/health/live");
      assertHttpProbe(where + " livenessProbe", c.getLivenessProbe(), "/health/live");
      assertHttpProbe(where + " readinessProbe", c.getReadinessProbe(), "/health/ready");
      assertEquals(service.httpPort, port(c, "http").getContainerPort(), where + ": port named http");
      assertEquals(Services.MANAGEMENT_PORT, port(c, "management").getContainerPort(), where + ": port named management");
      assertEquals(String.valueOf(Services.MANAGEMENT_PORT), environment(m, c, where).get("MANAGEMENT_PORT"),
          where + ": MANAGEMENT_PORT is the port named management");
      Map<String, String> annotations = m.get(Deployment.class, service.id).getSpec().getTemplate().getMetadata().getAnnotations();
      assertEquals(String.valueOf(Services.MANAGEMENT_PORT), annotations.get("prometheus.io/port"), where + ": Prometheus scrapes the management port");
      assertEquals("/metrics", annotations.get("prometheus.io/path"), where + ": Prometheus path");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("deployable")
  @DisplayName("put every namespaced object in the namespace cotoami, so that apply lands all of it in one place")
  void namespaces(String rendering) {
    Manifests m = Renderings.get(rendering);
    for (HasMetadata o : m.objects) {
      String where = rendering + ": " + o.getKind() + " " + o.getMetadata().getName();
      if (Manifests.CLUSTER_SCOPED.contains(o.getKind())) {
        assertNull(o.getMetadata().getNamespace(), where + " is cluster-scoped");
      } else {
        assertEquals("cotoami", o.getMetadata().getNamespace(), where + " has no namespace or another one");
      }
      // Applying twice changes nothing only when every object has a fixed name.
      assertNotNull(o.getMetadata().getName(), where + " has a name");
      assertNull(o.getMetadata().getGenerateName(), where + " uses generateName: a second apply would make another");
    }
    assertEquals(List.of("cotoami"), m.all(io.fabric8.kubernetes.api.model.Namespace.class).stream()
        .map(n -> n.getMetadata().getName()).toList(), rendering + ": declares the namespace it uses");
  }

  private static void assertHttpProbe(String where, Probe probe, String path) {
    assertNotNull(probe, where + " is missing");
    HTTPGetAction get = probe.getHttpGet();
    assertNotNull(get, where + " is not an HTTP GET");
    assertEquals(path, get.getPath(), where + " path");
    assertEquals("management", get.getPort().getStrVal(), where + " uses the named port management");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("all")
  @DisplayName("roll every service with maxUnavailable 0 and maxSurge 1")
  void rollingUpdate(String rendering) {
    Manifests m = Renderings.get(rendering);
    for (Services service : Services.values()) {
      Deployment d = m.get(Deployment.class, service.id);
      String where = rendering + ": " + service;
      assertEquals("RollingUpdate", d.getSpec().getStrategy().getType(), where + " strategy");
      RollingUpdateDeployment rolling = d.getSpec().getStrategy().getRollingUpdate();
      assertNotNull(rolling, where + " rollingUpdate");
      assertEquals(0, rolling.getMaxUnavailable().getIntVal(), where + " maxUnavailable");
      assertEquals(1, rolling.getMaxSurge().getIntVal(), where + " maxSurge");
      assertTrue(d.getSpec().getReplicas() >= 1, where + " replicas");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("all")
  @DisplayName("label every pod with app: <name> and select workloads, Services and budgets by labels that exist")
  void labelsMatchSelectors(String rendering) {
    Manifests m = Renderings.get(rendering);
    for (Deployment d : m.all(Deployment.class)) {
      String name = d.getMetadata().getName();
      Map<String, String> labels = d.getSpec().getTemplate().getMetadata().getLabels();
      assertEquals(name, labels.get("app"), rendering + ": Deployment " + name + " pods' app label");
      assertEquals(Map.of("app", name), d.getSpec().getSelector().getMatchLabels(),
          rendering + ": Deployment " + name + " selects its pods by app");
      assertEquals(name, d.getMetadata().getLabels().get("app"), rendering + ": Deployment " + name + " app label");
    }
    List<Map<String, String>> podLabels = m.podTemplates().values().stream()
        .map(t -> t.getMetadata().getLabels()).collect(Collectors.toList());
    for (Service s : m.all(Service.class)) {
      Map<String, String> selector = s.getSpec().getSelector();
      assertNotNull(selector, rendering + ": Service " + s.getMetadata().getName() + " has a selector");
      assertTrue(podLabels.stream().anyMatch(l -> l.entrySet().containsAll(selector.entrySet())),
          rendering + ": Service " + s.getMetadata().getName() + " selects no pod: " + selector);
      for (ServicePort p : s.getSpec().getPorts()) {
        assertNotNull(p.getName(), rendering + ": Service " + s.getMetadata().getName() + " ports are named");
      }
    }
    for (PodDisruptionBudget pdb : m.all(PodDisruptionBudget.class)) {
      Map<String, String> selector = pdb.getSpec().getSelector().getMatchLabels();
      assertTrue(podLabels.stream().anyMatch(l -> l.entrySet().containsAll(selector.entrySet())),
          rendering + ": PodDisruptionBudget " + pdb.getMetadata().getName() + " selects no pod");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("all")
  @DisplayName("set every environment variable each service reads, from values, ConfigMaps that have the key, or the Secrets")
  void environment(String rendering) {
    Manifests m = Renderings.get(rendering);
    for (Services service : Services.values()) {
      Container c = container(m, service);
      Map<String, String> env = environment(m, c, rendering + ": " + service);
      Set<String> missing = new TreeSet<>(service.requiredEnv(Services.Platform.KUBERNETES));
      missing.removeAll(env.keySet());
      assertTrue(missing.isEmpty(), rendering + ": " + service + " does not set " + missing);
      String where = rendering + ": " + service;
      assertEquals("kubernetes", env.get("CLUSTER_DISCOVERY"), where + " CLUSTER_DISCOVERY");
      assertEquals(String.valueOf(service.httpPort), env.get("HTTP_PORT"), where + " HTTP_PORT");
      assertEquals(String.valueOf(port(c, "eventbus").getContainerPort()), env.get("EVENTBUS_PORT"),
          where + ": EVENTBUS_PORT is the port named eventbus");
      assertEquals(String.valueOf(port(c, "hazelcast").getContainerPort()), env.get("CLUSTER_PORT"),
          where + ": CLUSTER_PORT is the port named hazelcast");
      for (String fromPodIp : List.of("CLUSTER_HOST", "CLUSTER_PUBLIC_HOST", "ANNOUNCE_HOST")) {
        assertEquals("fieldRef:status.podIP", env.get(fromPodIp), where + ": " + fromPodIp + " is the pod IP");
      }
      String namespace = m.get(Deployment.class, service.id).getMetadata().getNamespace();
      assertEquals("cotoami-cluster." + namespace + ".svc.cluster.local", env.get("CLUSTER_KUBERNETES_SERVICE_DNS"),
          where + ": CLUSTER_KUBERNETES_SERVICE_DNS names the headless Service in the pods' namespace");
      if (service.ownsTables) {
        assertEquals("secret:cotoami-secrets/PGPASSWORD", env.get("PGPASSWORD"), where + ": PGPASSWORD from the Secret");
      }
      for (String file : List.of("JWT_PUBLIC_KEY_FILE", "JWT_PRIVATE_KEY_FILE")) {
        if (env.containsKey(file)) {
          assertMountedSecretFile(m, service, c, env.get(file), where + " " + file);
        }
      }
    }
  }

  /** The names a container's environment gets, each with its value or where it comes from. */
  private static Map<String, String> environment(Manifests m, Container c, String where) {
    Map<String, String> env = new HashMap<>();
    for (EnvFromSource from : c.getEnvFrom()) {
      assertNotNull(from.getConfigMapRef(), where + ": envFrom only from ConfigMaps (secret values are named one by one)");
      ConfigMap cm = m.get(ConfigMap.class, from.getConfigMapRef().getName());
      env.putAll(cm.getData());
    }
    for (EnvVar var : c.getEnv()) {
      if (var.getValue() != null) {
        env.put(var.getName(), var.getValue());
      } else if (var.getValueFrom().getFieldRef() != null) {
        env.put(var.getName(), "fieldRef:" + var.getValueFrom().getFieldRef().getFieldPath());
      } else if (var.getValueFrom().getConfigMapKeyRef() != null) {
        var ref = var.getValueFrom().getConfigMapKeyRef();
        ConfigMap cm = m.get(ConfigMap.class, ref.getName());
        assertTrue(cm.getData().containsKey(ref.getKey()), where + ": ConfigMap " + ref.getName() + " has no " + ref.getKey());
        env.put(var.getName(), cm.getData().get(ref.getKey()));
      } else if (var.getValueFrom().getSecretKeyRef() != null) {
        var ref = var.getValueFrom().getSecretKeyRef();
        env.put(var.getName(), "secret:" + ref.getName() + "/" + ref.getKey());
      } else {
        fail(where + ": " + var.getName() + " has neither a value nor a known source");
      }
    }
    return env;
  }

  private static void assertMountedSecretFile(Manifests m, Services service, Container c, String file, String where) {
    PodSpec pod = m.get(Deployment.class, service.id).getSpec().getTemplate().getSpec();
    for (VolumeMount mount : c.getVolumeMounts()) {
      String dir = mount.getMountPath().endsWith("/") ? mount.getMountPath() : mount.getMountPath() + "/";
      if (file.startsWith(dir)) {
        String key = file.substring(dir.length());
        Volume volume = pod.getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst()
            .orElseThrow(() -> new AssertionError(where + ": no volume " + mount.getName()));
        assertNotNull(volume.getSecret(), where + ": " + file + " comes from a Secret");
        assertTrue(volume.getSecret().getItems().stream().anyMatch(i -> i.getPath().equals(key)),
            where + ": the Secret volume does not project " + key);
        return;
      }
    }
    fail(where + ": " + file + " is under no volume mount");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("all")
  @DisplayName("run one image per service, each under its own name, and no image by a latest or missing tag")
  void images(String rendering) {
    Manifests m = Renderings.get(rendering);
    Set<String> seen = new HashSet<>();
    for (Services service : Services.values()) {
      PodSpec pod = m.get(Deployment.class, service.id).getSpec().getTemplate().getSpec();
      assertEquals(1, pod.getContainers().size(), rendering + ": " + service + " runs one container");
      String image = pod.getContainers().get(0).getImage();
      String repository = image.substring(0, image.lastIndexOf(':'));
      assertTrue(repository.endsWith("/" + service.id), rendering + ": " + service + " runs " + image);
      assertTrue(seen.add(repository), rendering + ": two services run " + repository);
    }
    m.podTemplates().forEach((owner, template) -> {
      List<Container> containers = new ArrayList<>(template.getSpec().getContainers());
      containers.addAll(template.getSpec().getInitContainers());
      for (Container c : containers) {
        assertPinned(rendering + ": " + owner, c.getImage());
      }
    });
  }

  static void assertPinned(String where, String image) {
    assertNotNull(image, where + " has no image");
    if (image.contains("@sha256:")) {
      return;
    }
    int slash = image.lastIndexOf('/');
    int colon = image.lastIndexOf(':');
    assertTrue(colon > slash, where + ": image " + image + " has no tag (that means latest)");
    String tag = image.substring(colon + 1);
    assertFalse(tag.equalsIgnoreCase("latest"), where + ": image " + image + " uses the latest tag");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("all")
  @DisplayName("run every pod non-root, with a read-only root filesystem, no privilege escalation and no capabilities")
  void securityContexts(String rendering) {
    Manifests m = Renderings.get(rendering);
    m.podTemplates().forEach((owner, template) -> {
      String where = rendering + ": " + owner;
      PodSpec pod = template.getSpec();
      PodSecurityContext podSecurity = pod.getSecurityContext();
      assertNotNull(podSecurity, where + " has a pod securityContext");
      assertEquals(Boolean.TRUE, podSecurity.getRunAsNonRoot(), where + " runAsNonRoot");
      assertNotNull(podSecurity.getRunAsUser(), where + " sets a numeric runAsUser");
      assertTrue(podSecurity.getRunAsUser() > 0, where + " runAsUser is not root");
      assertEquals("RuntimeDefault", podSecurity.getSeccompProfile().getType(), where + " seccomp profile");
      assertNotEquals(Boolean.TRUE, pod.getHostNetwork(), where + " hostNetwork");
      for (Container c : pod.getContainers()) {
        SecurityContext sc = c.getSecurityContext();
        String cw = where + " container " + c.getName();
        assertNotNull(sc, cw + " has a securityContext");
        assertEquals(Boolean.FALSE, sc.getAllowPrivilegeEscalation(), cw + " allowPrivilegeEscalation");
        assertEquals(Boolean.TRUE, sc.getReadOnlyRootFilesystem(), cw + " readOnlyRootFilesystem");
        assertNotEquals(Boolean.TRUE, sc.getPrivileged(), cw + " privileged");
        assertEquals(List.of("ALL"), sc.getCapabilities().getDrop(), cw + " drops all capabilities");
        assertTrue(sc.getCapabilities().getAdd() == null || sc.getCapabilities().getAdd().isEmpty(), cw + " adds none");
        assertNotNull(c.getResources().getRequests(), cw + " has resource requests");
        assertNotNull(c.getResources().getLimits().get("memory"), cw + " has a memory limit");
      }
    });
    for (Services service : Services.values()) {
      PodSpec pod = m.get(Deployment.class, service.id).getSpec().getTemplate().getSpec();
      VolumeMount tmp = pod.getContainers().get(0).getVolumeMounts().stream()
          .filter(v -> v.getMountPath().equals("/tmp")).findFirst()
          .orElseThrow(() -> new AssertionError(rendering + ": " + service + " has no volume at /tmp"));
      Volume volume = pod.getVolumes().stream().filter(v -> v.getName().equals(tmp.getName())).findFirst().orElseThrow();
      assertNotNull(volume.getEmptyDir(), rendering + ": " + service + " /tmp is an emptyDir");
    }
  }

  private static void assertNotEquals(Object unexpected, Object actual, String message) {
    org.junit.jupiter.api.Assertions.assertNotEquals(unexpected, actual, message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("all")
  @DisplayName("pause in preStop and grant a grace period longer than the pause, the drain and leaving the cluster")
  void gracefulShutdown(String rendering) {
    Manifests m = Renderings.get(rendering);
    for (Services service : Services.values()) {
      Deployment d = m.get(Deployment.class, service.id);
      Container c = container(m, service);
      String where = rendering + ": " + service;
      assertNotNull(c.getLifecycle(), where + " has a lifecycle");
      assertNotNull(c.getLifecycle().getPreStop(), where + " has a preStop hook");
      assertNotNull(c.getLifecycle().getPreStop().getSleep(), where + " preStop is a sleep action");
      long preStop = c.getLifecycle().getPreStop().getSleep().getSeconds();
      assertTrue(preStop >= 3, where + " preStop pause of " + preStop + " s is too short for endpoint removal");
      Duration drain = Renderings.duration(environment(m, c, where).get("SHUTDOWN_GRACE_PERIOD"));
      // ServiceLauncher gives the shutdown SHUTDOWN_GRACE_PERIOD plus 10 s to leave the cluster.
      long needed = preStop + drain.toSeconds() + 10;
      long grace = d.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
      assertTrue(grace > needed, where + " terminationGracePeriodSeconds " + grace + " must exceed " + needed);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("all")
  @DisplayName("let the members find each other through a headless Service that selects exactly the four services")
  void clusterDiscovery(String rendering) {
    Manifests m = Renderings.get(rendering);
    Service cluster = m.get(Service.class, "cotoami-cluster");
    assertEquals("None", cluster.getSpec().getClusterIP(), rendering + ": cotoami-cluster is headless");
    assertEquals(Boolean.TRUE, cluster.getSpec().getPublishNotReadyAddresses(),
        rendering + ": members are found before they are ready");
    assertTrue(cluster.getSpec().getPorts().stream().anyMatch(p -> p.getPort() == 5701),
        rendering + ": cotoami-cluster serves port 5701");
    Map<String, String> selector = cluster.getSpec().getSelector();
    Set<String> selected = new TreeSet<>();
    m.podTemplates().forEach((owner, template) -> {
      if (template.getMetadata().getLabels().entrySet().containsAll(selector.entrySet())) {
        selected.add(template.getMetadata().getLabels().get("app"));
      }
    });
    Set<String> expected = new TreeSet<>();
    for (Services s : Services.values()) {
      expected.add(s.id);
    }
    assertEquals(expected, selected, rendering + ": cotoami-cluster selects");
    assertTrue(m.objects.stream().map(HasMetadata::getKind).noneMatch(k -> k.equals("Role") || k.equals("RoleBinding")),
        rendering + ": DNS discovery needs no RBAC");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("deployable")
  @DisplayName("deploy PostgreSQL 17 and Redis as StatefulSets with persistent volumes")
  void datastores(String rendering) {
    Manifests m = Renderings.get(rendering);
    var postgres = m.get(io.fabric8.kubernetes.api.model.apps.StatefulSet.class, "postgres");
    assertTrue(postgres.getSpec().getTemplate().getSpec().getContainers().get(0).getImage().matches("postgres:17\\.\\d+.*"),
        rendering + ": PostgreSQL major 17");
    assertFalse(postgres.getSpec().getVolumeClaimTemplates().isEmpty(), rendering + ": PostgreSQL has a PVC");
    var redis = m.get(io.fabric8.kubernetes.api.model.apps.StatefulSet.class, "redis");
    assertFalse(redis.getSpec().getVolumeClaimTemplates().isEmpty(), rendering + ": Redis has a PVC");
    assertTrue(redis.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs().contains("--appendonly"),
        rendering + ": Redis keeps an append-only file (the mail outbox must survive a restart)");
    m.get(Service.class, "postgres");
    m.get(Service.class, "redis");
  }

  static Container container(Manifests m, Services service) {
    PodTemplateSpec template = m.get(Deployment.class, service.id).getSpec().getTemplate();
    return template.getSpec().getContainers().stream().filter(c -> c.getName().equals(service.id)).findFirst()
        .orElseThrow(() -> new AssertionError(m + ": " + service + " has no container named " + service.id));
  }

  static ContainerPort port(Container c, String name) {
    return c.getPorts().stream().filter(p -> Objects.equals(name, p.getName())).findFirst()
        .orElseThrow(() -> new AssertionError(c.getName() + " has no port named " + name));
  }
}
