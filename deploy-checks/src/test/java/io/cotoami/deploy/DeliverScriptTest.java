package io.cotoami.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs scripts/deliver-k8s.sh, the workflow's roll, against a stand-in kubectl: rendering goes to
 * the real kubectl, everything that would touch a cluster is recorded, and `rollout status` of
 * the Deployments named in FAIL_ROLLOUT fails as a roll whose pods never get ready does.
 */
@DisplayName("scripts/deliver-k8s.sh")
class DeliverScriptTest {
  private static final String SHA = "0123456789abcdef0123456789abcdef01234567";
  private static final String REPOSITORY = "registry.test/acme/cotoami";

  @TempDir
  Path dir;

  record Run(int exit, String output, List<String> calls, String applied) {
  }

  private Run run(String failRollout) throws Exception {
    Path real = realKubectl().orElse(null);
    if (real == null) {
      String reason = "needs kubectl on PATH to render the overlay";
      if (System.getenv("CI") != null) {
        throw new AssertionError(reason);
      }
      Assumptions.abort(reason);
    }
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path log = dir.resolve("calls.log");
    Path fake = bin.resolve("kubectl");
    Files.writeString(fake, String.join("\n",
        "#!/usr/bin/env bash",
        "if [ \"$1\" = kustomize ]; then exec \"$REAL_KUBECTL\" \"$@\"; fi",
        "echo \"$*\" >> \"$CALLS\"",
        "if [ \"$1\" = apply ]; then cp \"$3\" \"$APPLIED\"; fi",
        "for s in $FAIL_ROLLOUT; do",
        "  if [ \"$3 $4 $5\" = \"rollout status deployment/$s\" ]; then echo \"timed out waiting for $s\" >&2; exit 1; fi",
        "done",
        "exit 0", ""));
    assertTrue(fake.toFile().setExecutable(true));
    ProcessBuilder builder = new ProcessBuilder("bash", Repo.path("scripts/deliver-k8s.sh").toString())
        .directory(Repo.ROOT.toFile()).redirectErrorStream(true);
    Map<String, String> env = builder.environment();
    env.put("PATH", bin + File.pathSeparator + env.get("PATH"));
    env.put("REAL_KUBECTL", real.toString());
    env.put("CALLS", log.toString());
    env.put("APPLIED", dir.resolve("applied.yaml").toString());
    env.put("FAIL_ROLLOUT", failRollout);
    env.put("SHA", SHA);
    env.put("IMAGE_REPOSITORY", REPOSITORY);
    env.put("GITHUB_STEP_SUMMARY", dir.resolve("summary.md").toString());
    env.remove("OVERLAY");
    env.remove("NAMESPACE");
    Process process = builder.start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the script finished");
    List<String> calls = Files.exists(log) ? Files.readAllLines(log) : List.of();
    String applied = Files.exists(dir.resolve("applied.yaml")) ? Files.readString(dir.resolve("applied.yaml")) : "";
    return new Run(process.exitValue(), output, calls, applied);
  }

  private static Optional<Path> realKubectl() {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path p = Path.of(d, "kubectl");
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  @DisplayName("applies the whole Gateway API overlay with every service at the commit's image, waits for each roll and undoes none when all succeed")
  void appliesEverythingAtTheCommit() throws Exception {
    Run run = run("");
    assertEquals(0, run.exit(), run.output());
    assertEquals(1, run.calls().stream().filter(c -> c.startsWith("apply -f ")).count(), run.calls().toString());
    Manifests applied = Manifests.parse("applied", run.applied());
    for (Services s : Services.values()) {
      assertEquals(REPOSITORY + "/" + s.id + ":" + SHA,
          applied.get(Deployment.class, s.id).getSpec().getTemplate().getSpec().getContainers().get(0).getImage(), s.id);
      assertTrue(run.calls().contains("-n cotoami rollout status deployment/" + s.id + " --timeout=10m"), run.calls().toString());
    }
    assertFalse(applied.all(io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute.class).isEmpty(), "the whole overlay, with its entry");
    assertTrue(run.calls().stream().noneMatch(c -> c.contains("rollout undo")), run.calls().toString());
    assertTrue(Files.list(Repo.path("k8s")).noneMatch(p -> p.getFileName().toString().startsWith(".deliver-")),
        "the working kustomization is removed");
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  @DisplayName("undoes exactly the roll that does not become ready, says which in an annotation and the summary, and fails")
  void undoesAndReportsAFailedRoll() throws Exception {
    Run run = run("coto-service");
    assertEquals(1, run.exit(), run.output());
    assertTrue(run.calls().contains("-n cotoami rollout undo deployment/coto-service"), run.calls().toString());
    assertEquals(1, run.calls().stream().filter(c -> c.contains("rollout undo")).count(), "only the failed one is undone");
    assertTrue(run.output().contains("::error title=Roll failed::coto-service did not become ready at " + SHA), run.output());
    assertTrue(Files.readString(dir.resolve("summary.md")).contains("coto-service"), "the run's summary names it");
    // Every Deployment is still waited for: one failure does not leave the others unchecked.
    for (Services s : Services.values()) {
      assertTrue(run.calls().contains("-n cotoami rollout status deployment/" + s.id + " --timeout=10m"), s.id);
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  @DisplayName("refuses a SHA that is not a commit id before touching the cluster")
  void refusesABadSha() throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder("bash", Repo.path("scripts/deliver-k8s.sh").toString()).redirectErrorStream(true);
    builder.environment().put("SHA", "latest");
    builder.environment().put("IMAGE_REPOSITORY", REPOSITORY);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(20, TimeUnit.SECONDS));
    assertEquals(2, process.exitValue(), output);
    assertTrue(output.contains("SHA must be a commit id"), output);
  }
}
