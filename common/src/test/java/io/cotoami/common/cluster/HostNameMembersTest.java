package io.cotoami.common.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Members that list each other by host name (docker-compose.yml: CLUSTER_MEMBERS=gateway,
 * coto-service-1,...; each binding its own address) form one cluster. In a JVM of its own, since
 * the names come from a hosts file the JDK reads once at start; the two members bind 127.0.0.2
 * and 127.0.0.3, as two containers bind their own addresses.
 */
class HostNameMembersTest {
  @Test
  @DisplayName("Two members bound to their own addresses and listed by host name form one cluster")
  void membersListedByHostNameFormOneCluster(@TempDir Path dir) throws Exception {
    Path hosts = dir.resolve("hosts");
    String self = InetAddress.getLocalHost().getHostName();
    Files.writeString(hosts, "127.0.0.1 localhost " + self + "\n127.0.0.2 member-a\n127.0.0.3 member-b\n",
        StandardCharsets.US_ASCII);
    String name = "hostnames-" + UUID.randomUUID();
    int port = 10_000 + Math.floorMod(name.hashCode(), 20_000);
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process probe = new ProcessBuilder(List.of(java.toString(), "-Djdk.net.hosts.file=" + hosts,
        "-Dhazelcast.logging.type=none", "-cp", System.getProperty("java.class.path"),
        HostNameMembersProbe.class.getName(), name, String.valueOf(port), "30"))
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("probe.log").toFile())
        .start();
    boolean exited = probe.waitFor(120, TimeUnit.SECONDS);
    if (!exited) {
      probe.destroyForcibly();
    }
    String log = tail(dir.resolve("probe.log"));
    assertTrue(exited, "the probe did not finish within 120 s: " + log);
    assertEquals(0, probe.exitValue(), "the two members did not form one cluster: " + log);
  }

  private static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log).stream().filter(line -> !line.startsWith("\tat ")).toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
  }
}
