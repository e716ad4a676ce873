package io.cotoami.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The delivery workflow")
class DeliveryWorkflowTest {
  private static final String FILE = ".github/workflows/deliver.yml";

  @Test
  @DisplayName("tests on every push to main, pushes each service's image by commit and rolls it with kubectl set image")
  void delivers() {
    String text = Repo.read(FILE);
    Map<String, Object> workflow = Yaml.document(text);
    // YAML 1.1 reads the key "on" as the boolean true.
    Object on = workflow.containsKey("on") ? workflow.get("on") : ((Map<?, ?>) workflow).get(Boolean.TRUE);
    assertEquals(List.of("main"), Yaml.at(Yaml.map(on, "on"), "push", "branches"), "runs on push to main");
    assertTrue(text.contains("mvn -B verify"), "builds and tests");
    List<Object> matrix = Yaml.list(Yaml.at(workflow, "jobs", "images", "strategy", "matrix", "service"), "matrix");
    for (Services s : Services.values()) {
      assertTrue(matrix.contains(s.id), "builds the image of " + s);
      assertTrue(text.contains(s.id + "/target/" + s.id + ".jar"), "ships the tested jar of " + s);
    }
    assertTrue(text.contains("target: prebuilt"), "images are built from the tested jars");
    assertTrue(text.contains("/${{ matrix.service }}:${{ github.sha }}"), "images are tagged with the commit");
    assertTrue(text.contains("set image \"deployment/$s\" \"$s=$IMAGE_REPOSITORY/$s:$SHA\""), "rolls with kubectl set image");
    assertTrue(text.contains("rollout status"), "waits for the roll");
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
