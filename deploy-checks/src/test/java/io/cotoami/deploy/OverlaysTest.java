package io.cotoami.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The overlays and the committed files under k8s/")
class OverlaysTest {

  @Test
  @DisplayName("The ingress-nginx overlay puts the gateway behind an NGINX Ingress with cookie affinity and long WebSocket timeouts, exposing neither metrics, health nor debug, and says the controller is retired")
  void ingressNginx() {
    Manifests m = Renderings.get(Renderings.INGRESS_NGINX);
    assertTrue(Repo.read(Renderings.INGRESS_NGINX + "/kustomization.yaml").contains("ingress-nginx was retired in March 2026"),
        "the overlay says the controller is retired");
    assertTrue(Repo.read(Renderings.INGRESS_NGINX + "/ingress.yaml").contains("cotoami_route_<service>"),
        "the comment names the gateway's own cookies as they are");
    assertFalse(Repo.read(Renderings.INGRESS_NGINX + "/ingress.yaml").contains("\"route\""), "no stale cookie name in the comment");
    Ingress ingress = m.get(Ingress.class, "gateway");
    Map<String, String> a = ingress.getMetadata().getAnnotations();
    String prefix = "nginx.ingress.kubernetes.io/";
    assertEquals("nginx", ingress.getSpec().getIngressClassName(), "ingressClassName");
    assertEquals("cookie", a.get(prefix + "affinity"), "affinity");
    String cookie = a.get(prefix + "session-cookie-name");
    assertNotNull(cookie, "session-cookie-name");
    assertFalse(cookie.equals("route") || cookie.startsWith("cotoami_route_"),
        "the Ingress cookie must not clash with the gateway's own route cookies (cotoami_route_<service>)");
    assertTrue(Long.parseLong(a.get(prefix + "session-cookie-max-age")) > 0, "session-cookie-max-age");
    assertEquals("true", a.get(prefix + "session-cookie-change-on-failure"), "session-cookie-change-on-failure");
    assertTrue(Long.parseLong(a.get(prefix + "proxy-read-timeout")) >= 3600, "proxy-read-timeout keeps WebSockets open");
    assertTrue(Long.parseLong(a.get(prefix + "proxy-send-timeout")) >= 3600, "proxy-send-timeout keeps WebSockets open");
    for (var rule : ingress.getSpec().getRules()) {
      for (var path : rule.getHttp().getPaths()) {
        for (String internal : List.of("/metrics", "/health/ready", "/debug")) {
          boolean exposes = "Prefix".equals(path.getPathType())
              ? internal.equals(path.getPath()) || internal.startsWith(path.getPath().replaceAll("/$", "") + "/")
              : internal.equals(path.getPath());
          assertFalse(exposes, "the Ingress path " + path.getPath() + " would expose " + internal);
        }
        IngressBackend backend = path.getBackend();
        assertEquals("gateway", backend.getService().getName(), "the Ingress sends everything to the gateway");
        Service gateway = m.get(Service.class, "gateway");
        assertTrue(gateway.getSpec().getPorts().stream().anyMatch(p -> p.getName().equals(backend.getService().getPort().getName())),
            "the Ingress names a port the gateway Service has");
      }
    }
    ConfigMap config = m.get(ConfigMap.class, "cotoami-config");
    String host = ingress.getSpec().getRules().get(0).getHost();
    assertEquals("https://" + host, config.getData().get("PUBLIC_URL"), "PUBLIC_URL is the Ingress host");
  }

  @Test
  @DisplayName("The Gateway API overlay routes only the public paths to the gateway in one rule with cookie session persistence of its own name, over TLS")
  void gatewayApi() {
    Manifests m = Renderings.get(Renderings.GATEWAY_API);
    assertTrue(m.all(Ingress.class).isEmpty(), "no Ingress beside the Gateway");
    Gateway gateway = m.get(Gateway.class, "cotoami");
    var https = gateway.getSpec().getListeners().stream().filter(l -> l.getName().equals("https")).findFirst().orElseThrow();
    assertEquals("HTTPS", https.getProtocol());
    assertEquals("cotoami-tls", https.getTls().getCertificateRefs().get(0).getName(), "the TLS Secret");
    HTTPRoute route = m.get(HTTPRoute.class, "gateway");
    assertEquals("https", route.getSpec().getParentRefs().get(0).getSectionName(), "the app is served on the HTTPS listener");
    assertEquals(1, route.getSpec().getRules().size(), "one rule, so one session cookie covers every public path");
    HTTPRouteRule rule = route.getSpec().getRules().get(0);
    var persistence = rule.getSessionPersistence();
    assertNotNull(persistence, "sessionPersistence keeps a browser on one gateway replica");
    assertEquals("Cookie", persistence.getType());
    String cookie = persistence.getSessionName();
    assertFalse(cookie.equals("route") || cookie.startsWith("cotoami_route_"),
        "the entry's cookie must not clash with the gateway's own route cookies (cotoami_route_<service>)");
    assertEquals("0s", rule.getTimeouts().getRequest(), "WebSockets are not cut by a request timeout");
    Service service = m.get(Service.class, "gateway");
    for (var backend : rule.getBackendRefs()) {
      assertEquals("gateway", backend.getName(), "everything goes to the gateway");
      assertTrue(service.getSpec().getPorts().stream().anyMatch(p -> p.getPort().equals(backend.getPort()) && p.getName().equals("http")),
          "the route names the gateway Service's http port");
    }
    List<String> paths = rule.getMatches().stream().map(x -> x.getPath().getType() + " " + x.getPath().getValue()).toList();
    assertEquals(List.of("Exact /", "Exact /index.html", "PathPrefix /app", "PathPrefix /cotonomas", "PathPrefix /api",
        "PathPrefix /signin", "Exact /openapi.yaml"), paths, "only the public paths");
    for (String internal : List.of("/metrics", "/health/ready", "/debug")) {
      assertFalse(rule.getMatches().stream().anyMatch(x -> "PathPrefix".equals(x.getPath().getType())
          ? internal.startsWith(x.getPath().getValue().replaceAll("/$", "") + "/") || internal.equals(x.getPath().getValue())
          : internal.equals(x.getPath().getValue())), "the route would expose " + internal);
    }
    ConfigMap config = m.get(ConfigMap.class, "cotoami-config");
    assertEquals("https://" + route.getSpec().getHostnames().get(0), config.getData().get("PUBLIC_URL"), "PUBLIC_URL is the route's host");
    assertEquals(https.getHostname(), route.getSpec().getHostnames().get(0), "the listener serves the route's host");
    HTTPRoute redirect = m.get(HTTPRoute.class, "https-redirect");
    assertEquals("http", redirect.getSpec().getParentRefs().get(0).getSectionName());
    assertEquals("https", redirect.getSpec().getRules().get(0).getFilters().get(0).getRequestRedirect().getScheme(),
        "plain HTTP is only redirected");
    assertTrue(redirect.getSpec().getRules().get(0).getBackendRefs().isEmpty(), "the redirect reaches no backend");
  }

  @Test
  @DisplayName("Both cloud overlays trust X-Forwarded-For from a pod range, not loopback only, and minikube from loopback only")
  void trustedProxies() {
    for (String cloud : List.of(Renderings.GATEWAY_API, Renderings.INGRESS_NGINX)) {
      String value = Renderings.get(cloud).get(ConfigMap.class, "cotoami-config").getData().get("TRUSTED_PROXIES");
      assertTrue(value.matches("\\d+\\.\\d+\\.\\d+\\.\\d+/\\d+(,.*)?") && !value.startsWith("127."), cloud + ": " + value);
    }
    assertEquals("127.0.0.1/32,::1/128",
        Renderings.get(Renderings.MINIKUBE).get(ConfigMap.class, "cotoami-config").getData().get("TRUSTED_PROXIES"));
  }

  @Test
  @DisplayName("Behind the cloud entries every connection has a proxy's address, so the per-client connection cap is off there (else it caps the whole site); minikube keeps the default")
  void perClientConnectionCap() {
    for (String cloud : List.of(Renderings.GATEWAY_API, Renderings.INGRESS_NGINX)) {
      assertEquals("0", Renderings.get(cloud).get(ConfigMap.class, "cotoami-config").getData()
          .get("HTTP_MAX_CONNECTIONS_PER_CLIENT"), cloud);
    }
    assertEquals(null, Renderings.get(Renderings.MINIKUBE).get(ConfigMap.class, "cotoami-config").getData()
        .get("HTTP_MAX_CONNECTIONS_PER_CLIENT"));
  }

  @Test
  @DisplayName("scripts/create-k8s-secrets.sh applies the namespace with the labels the manifests give it, and the docs apply all-in-one.yaml rather than create it")
  void secretsThenAllInOne() {
    String script = Repo.read("scripts/create-k8s-secrets.sh");
    assertTrue(script.lines().filter(l -> l.contains("create namespace")).allMatch(l -> l.contains("--dry-run=client")),
        "a bare `kubectl create namespace` fails on the second run or after all-in-one.yaml");
    assertTrue(script.contains("| kubectl apply -f -"), "the namespace is applied");
    Map<String, String> labels = m().get(io.fabric8.kubernetes.api.model.Namespace.class, "cotoami").getMetadata().getLabels();
    labels.forEach((key, value) -> assertTrue(script.contains(key + "=" + value),
        "the script gives the namespace the label " + key + "=" + value + " (else the first to run decides)"));
    String allInOne = Repo.read(Renderings.ALL_IN_ONE);
    assertTrue(allInOne.contains("kubectl apply -f k8s/all-in-one.yaml"), "all-in-one.yaml says to apply it");
    assertFalse(allInOne.contains("kubectl create -f"), "create fails on the namespace the secrets script made");
    String docs = Repo.read("docs/operations.md");
    assertFalse(docs.contains("kubectl create -f k8s/all-in-one.yaml"), "docs/operations.md still says create");
  }

  private static Manifests m() {
    return Renderings.get(Renderings.ALL_IN_ONE);
  }

  @Test
  @DisplayName("The minikube overlay opens the gateway on a NodePort and sends mail to Mailpit, which only it has")
  void minikube() {
    Manifests m = Renderings.get(Renderings.MINIKUBE);
    assertEquals("NodePort", m.get(Service.class, "gateway").getSpec().getType(), "gateway Service type");
    m.get(Deployment.class, "mailpit");
    Service mailpit = m.get(Service.class, "mailpit");
    ConfigMap mail = m.get(ConfigMap.class, "cotoami-mail");
    assertEquals("mailpit", mail.getData().get("SMTP_HOST"), "SMTP_HOST");
    assertTrue(mailpit.getSpec().getPorts().stream()
            .anyMatch(p -> String.valueOf(p.getPort()).equals(mail.getData().get("SMTP_PORT"))),
        "SMTP_PORT is a port of the mailpit Service");
    for (String other : List.of(Renderings.BASE, Renderings.GATEWAY_API, Renderings.INGRESS_NGINX)) {
      assertTrue(Renderings.get(other).find(Deployment.class, "mailpit").isEmpty(), other + " has no mail catcher");
    }
  }

  @Test
  @DisplayName("k8s/all-in-one.yaml is the minikube overlay as rendered now (else run scripts/generate-all-in-one.sh)")
  void allInOneIsUpToDate() {
    String rendered = Kustomize.render(Repo.path(Renderings.MINIKUBE));
    String committed = Repo.read(Renderings.ALL_IN_ONE);
    Map<String, Map<String, Object>> fresh = byIdentity(Yaml.documents(rendered));
    Map<String, Map<String, Object>> stale = byIdentity(Yaml.documents(committed));
    String hint = ": k8s/all-in-one.yaml is stale, run scripts/generate-all-in-one.sh and commit the result";
    assertEquals(fresh.keySet(), stale.keySet(), "objects" + hint);
    fresh.forEach((id, object) -> assertEquals(object, stale.get(id), id + hint));
    assertTrue(committed.startsWith("# GENERATED by scripts/generate-all-in-one.sh"), "the file says it is generated");
  }

  /** Objects by kind, namespace and name, in order. */
  private static Map<String, Map<String, Object>> byIdentity(List<Map<String, Object>> documents) {
    Map<String, Map<String, Object>> objects = new java.util.LinkedHashMap<>();
    for (Map<String, Object> doc : documents) {
      objects.put(doc.get("kind") + " " + Yaml.at(doc, "metadata", "namespace") + "/" + Yaml.at(doc, "metadata", "name"), doc);
    }
    return objects;
  }

  @Test
  @DisplayName("No committed manifest holds a Secret with data, and no kustomization generates one from literals")
  void noSecretValues() throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(Repo.path("k8s"))) {
      files = walk.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).collect(Collectors.toList());
    }
    assertFalse(files.isEmpty(), "k8s/ has YAML files");
    for (Path file : files) {
      String where = Repo.ROOT.relativize(file).toString();
      for (Map<String, Object> doc : Yaml.documents(Files.readString(file))) {
        if ("Secret".equals(doc.get("kind"))) {
          assertTrue(doc.get("data") == null && doc.get("stringData") == null, where + " commits a Secret's values");
        }
        Object generators = doc.get("secretGenerator");
        if (generators != null) {
          for (Object generator : Yaml.list(generators, where + " secretGenerator")) {
            Map<String, Object> g = Yaml.map(generator, where + " secretGenerator entry");
            assertTrue(g.get("literals") == null, where + " generates a Secret from committed literals");
            assertTrue(g.get("envs") == null && g.get("files") == null,
                where + " generates a Secret from files: create Secrets with scripts/create-k8s-secrets.sh");
          }
        }
      }
    }
  }

  @Test
  @DisplayName("Every Secret the manifests use is one scripts/create-k8s-secrets.sh creates")
  void secretsComeFromTheScript() {
    String script = Repo.read("scripts/create-k8s-secrets.sh");
    for (String rendering : Renderings.all()) {
      Manifests m = Renderings.get(rendering);
      m.podTemplates().forEach((owner, template) -> {
        template.getSpec().getVolumes().stream().filter(v -> v.getSecret() != null).forEach(v ->
            assertTrue(script.contains("secret generic " + v.getSecret().getSecretName()),
                rendering + ": " + owner + " mounts Secret " + v.getSecret().getSecretName() + " that the script does not create"));
        template.getSpec().getContainers().forEach(c -> c.getEnv().stream()
            .filter(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null)
            .forEach(e -> {
              var ref = e.getValueFrom().getSecretKeyRef();
              assertTrue(script.contains("secret generic " + ref.getName()),
                  rendering + ": " + owner + " reads Secret " + ref.getName() + " that the script does not create");
              assertTrue(script.contains(ref.getKey() + "="),
                  rendering + ": " + owner + " reads key " + ref.getKey() + " that the script does not set");
            }));
      });
    }
  }
}
