package io.cotoami.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The shared JVM flags (docker/jvm.options)")
class JvmOptionsTest {

  @Test
  @DisplayName("size the heap outside a container as k8s/base limits each service's memory")
  void localMemoryIsTheManifestsLimit() {
    List<String> local = JvmOptionsFile.flags("docker/jvm-local.options");
    String maxRam = local.stream().filter(f -> f.startsWith("-XX:MaxRAM=")).findFirst()
        .orElseThrow(() -> new AssertionError("docker/jvm-local.options sets no -XX:MaxRAM: " + local));
    BigDecimal bytes = Quantity.getAmountInBytes(new Quantity(maxRam.substring("-XX:MaxRAM=".length()).replace("m", "Mi")));
    Manifests base = Renderings.get(Renderings.BASE);
    for (Services service : Services.values()) {
      Quantity limit = KubernetesManifestsTest.container(base, service).getResources().getLimits().get("memory");
      assertEquals(0, Quantity.getAmountInBytes(limit).compareTo(bytes),
          service + ": the manifests' memory limit " + limit + " is the dev stack's " + maxRam);
    }
  }

  @Test
  @DisplayName("are accepted by this JDK's java, as the images' and the dev stack's java reads them")
  void theJvmAcceptsThem() throws Exception {
    Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
    Process process = new ProcessBuilder(javaBin.toString(), "@" + Repo.ROOT.resolve("docker/jvm.options"),
        "@" + Repo.ROOT.resolve("docker/jvm-local.options"), "-XX:+PrintFlagsFinal", "-version")
        .redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), "java -version finished");
    assertEquals(0, process.exitValue(), "java refused the flags:\n" + out);
    assertTrue(out.matches("(?s).*\\bUseSerialGC\\s+= true\\b.*"), "the serial collector is on");
    // 75 % of 768 MiB, as a pod with a 768Mi limit gets.
    assertTrue(out.matches("(?s).*\\bMaxHeapSize\\s+= 603979776\\b.*"), "the heap is 576 MiB");
  }
}
