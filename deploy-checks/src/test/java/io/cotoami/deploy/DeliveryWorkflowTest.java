package io.cotoami.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The delivery workflow")
class DeliveryWorkflowTest {
  private static final String FILE = ".github/workflows/deliver.yml";

  private static Map<String, Object> workflow() {
    return Yaml.document(Repo.read(FILE));
  }

  private static List<Map<String, Object>> steps(String job) {
    List<Map<String, Object>> steps = new ArrayList<>();
    for (Object step : Yaml.list(Yaml.at(workflow(), "jobs", job, "steps"), job + " steps")) {
      steps.add(Yaml.map(step, job + " step"));
    }
    return steps;
  }

  private static int index(List<Map<String, Object>> steps, String what, java.util.function.Predicate<Map<String, Object>> test) {
    for (int i = 0; i < steps.size(); i++) {
      if (test.test(steps.get(i))) {
        return i;
      }
    }
    throw new AssertionError("no step " + what);
  }

  private static String run(Map<String, Object> step) {
    return String.valueOf(step.getOrDefault("run", ""));
  }

  @Test
  @DisplayName("runs on every push to main, one delivery at a time")
  void trigger() {
    Map<String, Object> workflow = workflow();
    // YAML 1.1 reads the key "on" as the boolean true.
    Object on = workflow.containsKey("on") ? workflow.get("on") : ((Map<?, ?>) workflow).get(Boolean.TRUE);
    assertEquals(List.of("main"), Yaml.at(Yaml.map(on, "on"), "push", "branches"), "runs on push to main");
    assertEquals(Boolean.FALSE, Yaml.at(workflow, "concurrency", "cancel-in-progress"), "a roll is never cancelled midway");
  }

  @Test
  @DisplayName("tests with the suite's tools installed by the same script as .ci/run, on the distribution .ci/run is tested on, with kubectl for deploy-checks")
  void verifyInstallsTheSuitesTools() {
    List<Map<String, Object>> steps = steps("verify");
    int install = index(steps, "running .ci/install-tools.sh", s -> run(s).contains(".ci/install-tools.sh"));
    int kubectl = index(steps, "installing kubectl", s -> String.valueOf(s.get("uses")).startsWith("azure/setup-kubectl@"));
    int verify = index(steps, "running mvn -B verify", s -> run(s).trim().equals("mvn -B verify"));
    assertTrue(install < verify && kubectl < verify, "the tools are installed before the suite runs");
    assertTrue(Repo.read(".ci/run").contains("bash .ci/install-tools.sh"), ".ci/run uses the same script");
    String script = Repo.read(".ci/install-tools.sh");
    for (String tool : List.of("openjdk-17-jdk-headless", "maven", "chromium", "chromium-driver", "wrk", "postgresql-client", "nginx-light")) {
      assertTrue(script.contains(tool), ".ci/install-tools.sh installs " + tool);
    }
    // Debian's chromium and chromium-driver packages are what browser-tests drive; Ubuntu's are snaps.
    assertTrue(String.valueOf(Yaml.at(workflow(), "jobs", "verify", "container")).startsWith("debian:"), "verify runs in Debian");
  }

  @Test
  @DisplayName("pushes each service's image from the one Dockerfile, tagged with the commit, from the jars the tests tested")
  void images() {
    String text = Repo.read(FILE);
    List<Object> include = Yaml.list(Yaml.at(workflow(), "jobs", "images", "strategy", "matrix", "include"), "matrix include");
    for (Services s : Services.values()) {
      assertTrue(include.stream().map(o -> Yaml.map(o, "matrix entry"))
              .anyMatch(e -> s.id.equals(e.get("service")) && String.valueOf(s.httpPort).equals(String.valueOf(e.get("http_port")))),
          "builds the image of " + s + " with its HTTP port");
      assertTrue(text.contains(s.id + "/target/" + s.id + ".jar"), "ships the tested jar of " + s);
    }
    Map<String, Object> build = steps("images").stream().filter(s -> String.valueOf(s.get("uses")).startsWith("docker/build-push-action@"))
        .findFirst().orElseThrow();
    Map<String, Object> with = Yaml.map(build.get("with"), "build-push with");
    assertEquals("docker/Dockerfile", with.get("file"));
    assertEquals("prebuilt", with.get("target"), "images are built from the tested jars");
    assertEquals("${{ vars.IMAGE_REPOSITORY }}/${{ matrix.service }}:${{ github.sha }}", with.get("tags"), "tagged with the commit only");
    String args = String.valueOf(with.get("build-args"));
    assertTrue(args.contains("SERVICE=${{ matrix.service }}") && args.contains("HTTP_PORT=${{ matrix.http_port }}"), args);
  }

  @Test
  @DisplayName("rolls by applying the whole overlay at the commit's images (scripts/deliver-k8s.sh), not by a diff of what changed")
  void rollAppliesEverything() {
    List<Map<String, Object>> steps = steps("roll");
    int roll = index(steps, "running scripts/deliver-k8s.sh", s -> run(s).trim().equals("scripts/deliver-k8s.sh"));
    int kubeconfig = index(steps, "writing the kubeconfig", s -> run(s).contains("KUBECONFIG="));
    assertTrue(kubeconfig < roll, "the kubeconfig is there before the roll");
    Map<String, Object> env = Yaml.map(Yaml.at(workflow(), "jobs", "roll", "env"), "roll env");
    assertEquals("${{ github.sha }}", env.get("SHA"), "the roll pins the images this run built");
    assertTrue(String.valueOf(env.get("OVERLAY")).contains("k8s/overlays/cloud-gateway-api"), "the maintained entry by default");
    String text = Repo.read(FILE);
    assertFalse(text.contains("git diff"), "no service is skipped because an earlier push already changed it");
    assertFalse(text.contains("set image"), "images are set by the rendering, so a later apply keeps them");
    assertEquals("images", Yaml.at(workflow(), "jobs", "roll", "needs"), "rolls only what was pushed");
    Map<String, Object> forget = steps.get(steps.size() - 1);
    assertEquals("always()", forget.get("if"), "the kubeconfig is removed even after a failed roll");
  }

  @Test
  @DisplayName("takes credentials only from the secret store")
  void credentialsFromSecrets() {
    String text = Repo.read(FILE);
    Matcher secret = Pattern.compile("\\$\\{\\{\\s*secrets\\.([A-Z_]+)\\s*}}").matcher(text);
    java.util.Set<String> used = new java.util.TreeSet<>();
    while (secret.find()) {
      used.add(secret.group(1));
    }
    assertEquals(java.util.Set.of("KUBECONFIG", "REGISTRY_PASSWORD", "REGISTRY_USERNAME"), used, "secrets used");
    assertFalse(Pattern.compile("(?i)password:\\s*[^$\\s]").matcher(text).find(), "no literal password");
    String docs = Repo.read("docs/operations.md");
    used.forEach(name -> assertTrue(docs.contains(name), "docs/operations.md documents " + name));
  }
}
