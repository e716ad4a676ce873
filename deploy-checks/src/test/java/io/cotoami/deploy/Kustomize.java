package io.cotoami.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Renders a kustomization with the real kustomize (kubectl's built-in one, or a standalone
 * kustomize), exactly as scripts/generate-all-in-one.sh and `kubectl apply -k` do. Where neither
 * is installed the rendering checks are skipped on a developer's machine and fail in CI.
 */
final class Kustomize {
  private Kustomize() {
  }

  static String render(Path kustomization) {
    List<String> command = command(kustomization).orElse(null);
    if (command == null) {
      String reason = "needs kubectl or kustomize on PATH to render " + Repo.ROOT.relativize(kustomization);
      if (System.getenv("CI") != null) {
        throw new AssertionError(reason);
      }
      Assumptions.abort(reason);
    }
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
      process.getOutputStream().close();
      byte[] out = process.getInputStream().readAllBytes();
      byte[] err = process.getErrorStream().readAllBytes();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " did not finish in 60 s");
      }
      if (process.exitValue() != 0) {
        throw new AssertionError(String.join(" ", command) + " failed: " + new String(err, StandardCharsets.UTF_8));
      }
      return new String(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AssertionError("Cannot run " + command + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("Interrupted while rendering " + kustomization, e);
    }
  }

  private static Optional<List<String>> command(Path kustomization) {
    if (onPath("kubectl")) {
      return Optional.of(List.of("kubectl", "kustomize", kustomization.toString()));
    }
    if (onPath("kustomize")) {
      return Optional.of(List.of("kustomize", "build", kustomization.toString()));
    }
    return Optional.empty();
  }

  private static boolean onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    List<Path> candidates = new ArrayList<>();
    for (String dir : path.split(java.io.File.pathSeparator)) {
      candidates.add(Path.of(dir, program));
    }
    return candidates.stream().anyMatch(p -> p.toFile().canExecute());
  }
}
