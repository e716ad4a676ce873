package io.cotoami.common.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.cluster.Address;
import com.hazelcast.logging.Logger;
import com.hazelcast.spi.discovery.DiscoveryNode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ListeningMembersDiscoveryTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  @Test
  @DisplayName("Of the member addresses, only those that accept a connection now are offered, and a round stays within the probe timeout")
  void offersOnlyListeningAddresses() throws Exception {
    int closed = freePort();
    try (ServerSocket open = new ServerSocket(0, 50, LOOPBACK)) {
      // A silent address that drops the SYN (TEST-NET-1) must not hold the round much past the
      // timeout (the tcp-ip join waited 5 s on each); the bound leaves room for a loaded machine.
      InetSocketAddress blackHole = new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 5701);
      List<InetSocketAddress> candidates = List.of(new InetSocketAddress(LOOPBACK, closed), blackHole,
          new InetSocketAddress(LOOPBACK, open.getLocalPort()));
      long start = System.nanoTime();
      List<InetSocketAddress> listening = ListeningMembersDiscovery.listening(candidates, Duration.ofMillis(250));
      long took = (System.nanoTime() - start) / 1_000_000;
      assertEquals(List.of(new InetSocketAddress(LOOPBACK, open.getLocalPort())), listening);
      assertTrue(took < 2500, "one round took " + took + " ms");
    }
  }

  @Test
  @DisplayName("A host without a port names the whole port range, host:port and [v6]:port that port, a.b.c.x-y a range of addresses")
  void memberSyntax() throws Exception {
    assertEquals(List.of(at("127.0.0.1", 5701), at("127.0.0.1", 5702), at("127.0.0.1", 5703)),
        ListeningMembersDiscovery.candidates(List.of("127.0.0.1"), 5701, 3));
    assertEquals(List.of(at("127.0.0.2", 6000), at("::1", 6001)),
        ListeningMembersDiscovery.candidates(List.of("127.0.0.2:6000", " [::1]:6001 "), 5701, 3));
    assertEquals(List.of(at("127.0.0.2", 5701), at("127.0.0.3", 5701), at("127.0.0.4", 5701)),
        ListeningMembersDiscovery.candidates(List.of("127.0.0.2-4"), 5701, 1));
    assertEquals(List.of(at("127.0.0.1", 5701)),
        ListeningMembersDiscovery.candidates(List.of("no-such-host.invalid", "localhost"), 5701, 1).stream()
            .filter(a -> a.getAddress().getHostAddress().equals("127.0.0.1")).toList());
  }

  @Test
  @DisplayName("The strategy offers a listening member in its port range as a Hazelcast address, and never this member itself")
  void discoversListeningMemberButNotItself() throws Exception {
    try (ServerSocket peer = new ServerSocket(0, 50, LOOPBACK); ServerSocket self = nextTo(peer.getLocalPort())) {
      ListeningMembersDiscovery discovery = new ListeningMembersDiscovery(List.of(LOOPBACK.getHostAddress()),
          peer.getLocalPort(), 2, new Address(LOOPBACK.getHostAddress(), self.getLocalPort()), Logger.getLogger(getClass()));
      List<Address> found = new ArrayList<>();
      for (DiscoveryNode node : discovery.discoverNodes()) {
        found.add(node.getPrivateAddress());
      }
      assertEquals(List.of(new Address(LOOPBACK.getHostAddress(), peer.getLocalPort())), found);
    }
  }

  /** A socket listening on the port after {@code port}. */
  private static ServerSocket nextTo(int port) throws Exception {
    return new ServerSocket(port + 1, 50, LOOPBACK);
  }

  private static InetSocketAddress at(String host, int port) throws Exception {
    return new InetSocketAddress(InetAddress.getByName(host), port);
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 50, LOOPBACK)) {
      return socket.getLocalPort();
    }
  }
}
