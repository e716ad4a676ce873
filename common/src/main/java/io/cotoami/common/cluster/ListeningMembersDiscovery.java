package io.cotoami.common.cluster;

import com.hazelcast.cluster.Address;
import com.hazelcast.config.properties.PropertyDefinition;
import com.hazelcast.logging.ILogger;
import com.hazelcast.spi.discovery.AbstractDiscoveryStrategy;
import com.hazelcast.spi.discovery.DiscoveryNode;
import com.hazelcast.spi.discovery.DiscoveryStrategy;
import com.hazelcast.spi.discovery.DiscoveryStrategyFactory;
import com.hazelcast.spi.discovery.SimpleDiscoveryNode;
import io.cotoami.common.config.ClusterConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * TCP discovery of {@code CLUSTER_MEMBERS} that offers Hazelcast only the addresses that accept a
 * connection now. With plain tcp-ip join, the split-brain search of a master tries every port of
 * every listed member and waits a fixed 5 s on each where nobody listens ({@code
 * SPLIT_BRAIN_CONN_TIMEOUT_MILLIS}): with 20 ports, a round took up to 75 s, so a member frozen
 * past the heartbeat merged back after 100 s instead of seconds. Here a round probes all the
 * candidates at once, for at most {@link #PROBE_TIMEOUT}.
 *
 * <p>The member list keeps its meaning: {@code host} (every port from {@code CLUSTER_PORT} for
 * {@code CLUSTER_PORT_COUNT} ports), {@code host:port} (that port), an IPv4 range in the last
 * byte ({@code 10.0.0.5-9}); host names are resolved again at every round (docker-compose's
 * containers come back at other addresses).
 */
public final class ListeningMembersDiscovery extends AbstractDiscoveryStrategy {
  /** How long a candidate has to accept a connection; loopback and a LAN answer in well under a millisecond. */
  public static final Duration PROBE_TIMEOUT = Duration.ofMillis(250);
  private static final Pattern HOST_PORT = Pattern.compile("(?:\\[([^]]+)]|([^:]+)):(\\d+)");
  private static final Pattern IPV4_RANGE = Pattern.compile("(\\d+\\.\\d+\\.\\d+\\.)(\\d+)-(\\d+)");

  private final List<String> members;
  private final int port;
  private final int portCount;
  private final Address self;

  ListeningMembersDiscovery(List<String> members, int port, int portCount, Address self, ILogger logger) {
    super(logger, Map.of());
    this.members = List.copyOf(members);
    this.port = port;
    this.portCount = portCount;
    this.self = self;
  }

  @Override
  public Iterable<DiscoveryNode> discoverNodes() {
    List<InetSocketAddress> candidates = candidates(members, port, portCount);
    if (self != null) {
      candidates.removeIf(c -> c.getPort() == self.getPort() && c.getAddress().getHostAddress().equals(self.getHost()));
    }
    List<DiscoveryNode> nodes = new ArrayList<>();
    for (InetSocketAddress address : listening(candidates, PROBE_TIMEOUT)) {
      nodes.add(new SimpleDiscoveryNode(new Address(address)));
    }
    getLogger().finest("Listening members: " + nodes);
    return nodes;
  }

  /** Every address and port the member list names, resolved now; names that do not resolve are skipped. */
  static List<InetSocketAddress> candidates(List<String> members, int port, int portCount) {
    Set<InetSocketAddress> all = new LinkedHashSet<>();
    for (String member : members) {
      String spec = member.trim();
      if (spec.isEmpty()) {
        continue;
      }
      Matcher hostPort = HOST_PORT.matcher(spec);
      String host = spec;
      int first = port;
      int count = portCount;
      if (hostPort.matches()) {
        host = hostPort.group(1) != null ? hostPort.group(1) : hostPort.group(2);
        first = Integer.parseInt(hostPort.group(3));
        count = 1;
      } else if (spec.startsWith("[") && spec.endsWith("]")) {
        host = spec.substring(1, spec.length() - 1);
      }
      for (InetAddress address : resolve(host)) {
        for (int p = first; p < first + count && p <= 65_535; p++) {
          all.add(new InetSocketAddress(address, p));
        }
      }
    }
    return new ArrayList<>(all);
  }

  private static List<InetAddress> resolve(String host) {
    List<InetAddress> addresses = new ArrayList<>();
    Matcher range = IPV4_RANGE.matcher(host);
    try {
      if (range.matches()) {
        int from = Integer.parseInt(range.group(2));
        int to = Math.min(255, Integer.parseInt(range.group(3)));
        for (int b = from; b <= to; b++) {
          addresses.add(InetAddress.getByName(range.group(1) + b));
        }
      } else {
        addresses.addAll(List.of(InetAddress.getAllByName(host)));
      }
    } catch (UnknownHostException e) {
      // Not (yet) in DNS: a container that has not started. Asked again at the next round.
    }
    return addresses;
  }

  /**
   * The candidates that accept a TCP connection within {@code timeout}, in their order; all are
   * tried at once, so a round takes at most {@code timeout} however many are silent.
   */
  static List<InetSocketAddress> listening(List<InetSocketAddress> candidates, Duration timeout) {
    Set<InetSocketAddress> open = new HashSet<>();
    try (Selector selector = Selector.open()) {
      int pending = 0;
      for (InetSocketAddress candidate : candidates) {
        SocketChannel channel = SocketChannel.open();
        try {
          channel.configureBlocking(false);
          if (channel.connect(candidate)) {
            open.add(candidate);
            channel.close();
          } else {
            channel.register(selector, SelectionKey.OP_CONNECT, candidate);
            pending++;
          }
        } catch (IOException e) {
          channel.close();
        }
      }
      long deadline = System.nanoTime() + timeout.toNanos();
      while (pending > 0) {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0 || selector.select(left) == 0 && System.nanoTime() >= deadline) {
          break;
        }
        for (SelectionKey key : selector.selectedKeys()) {
          SocketChannel channel = (SocketChannel) key.channel();
          try {
            if (channel.finishConnect()) {
              open.add((InetSocketAddress) key.attachment());
            }
          } catch (IOException refused) {
            // Nobody listens there (or the host is gone).
          }
          pending--;
          channel.close();
        }
        selector.selectedKeys().clear();
      }
      for (SelectionKey key : selector.keys()) {
        key.channel().close();
      }
    } catch (IOException e) {
      return List.of();
    }
    return candidates.stream().filter(open::contains).toList();
  }

  /** Makes the strategy for one Hazelcast member, from the cluster configuration it was built with. */
  public static final class Factory implements DiscoveryStrategyFactory {
    private final ClusterConfig cluster;

    public Factory(ClusterConfig cluster) {
      this.cluster = cluster;
    }

    @Override
    public Class<? extends DiscoveryStrategy> getDiscoveryStrategyType() {
      return ListeningMembersDiscovery.class;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public DiscoveryStrategy newDiscoveryStrategy(DiscoveryNode local, ILogger logger, Map<String, Comparable> properties) {
      return new ListeningMembersDiscovery(cluster.members(), cluster.port(), cluster.portCount(),
          local == null ? null : local.getPrivateAddress(), logger);
    }

    @Override
    public Collection<PropertyDefinition> getConfigurationProperties() {
      return List.of();
    }
  }
}
