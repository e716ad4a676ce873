package io.cotoami.common.cluster;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cotoami.common.config.ClusterConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.io.ByteArrayOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A store that comes back at another address (a restarted container) is reached at the new one,
 * although the DNS server gave the old one with a TTL of a day, as Podman's does.
 */
class DnsCacheTest {
  private static final String NAME = "redis.cotoami.test";

  @Test
  @DisplayName("A host that moves to another address is reached there within seconds, whatever the DNS TTL")
  void aHostThatMovesIsReachedAtItsNewAddress() throws Exception {
    try (FakeDns dns = new FakeDns(InetAddress.getByName("127.0.0.2"))) {
      VertxOptions options = ClusteredVertx.options(ClusterConfig.loopback("dns-" + UUID.randomUUID()));
      options.getAddressResolverOptions()
          .setServers(List.of("127.0.0.1:" + dns.port()))
          .setHostsValue(Buffer.buffer())
          .setSearchDomains(List.of())
          .setOptResourceEnabled(false);
      Vertx vertx = Vertx.vertx(options);
      try {
        NetServer old = await(vertx.createNetServer().connectHandler(NetSocket::close).listen(0, "127.0.0.2"));
        int port = old.actualPort();
        await(vertx.createNetClient().connect(port, NAME)).close();

        // The store restarts elsewhere: the old address is gone, the name now means the new one.
        await(old.close());
        await(vertx.createNetServer().connectHandler(NetSocket::close).listen(port, "127.0.0.3"));
        dns.answer(InetAddress.getByName("127.0.0.3"));

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(ClusteredVertx.DNS_CACHE_MAX_TTL.toSeconds() + 20);
        boolean reached = false;
        while (!reached && System.nanoTime() < deadline) {
          try {
            await(vertx.createNetClient().connect(port, NAME)).close();
            reached = true;
          } catch (Exception refused) {
            Thread.sleep(250);
          }
        }
        assertTrue(reached, NAME + " was still dialled at its old address "
            + (ClusteredVertx.DNS_CACHE_MAX_TTL.toSeconds() + 20) + " s after it moved");
      } finally {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
    }
  }

  private static <T> T await(io.vertx.core.Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Answers A queries for {@link #NAME} with one address and a TTL of a day; nothing else. */
  private static final class FakeDns implements AutoCloseable {
    private final DatagramSocket socket;
    private final Thread thread;
    private volatile InetAddress address;

    FakeDns(InetAddress address) throws Exception {
      this.address = address;
      this.socket = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"));
      this.thread = new Thread(this::serve, "fake-dns");
      thread.setDaemon(true);
      thread.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    void answer(InetAddress next) {
      address = next;
    }

    private void serve() {
      byte[] in = new byte[512];
      while (!socket.isClosed()) {
        try {
          DatagramPacket query = new DatagramPacket(in, in.length);
          socket.receive(query);
          byte[] reply = reply(in, query.getLength());
          socket.send(new DatagramPacket(reply, reply.length, query.getSocketAddress()));
        } catch (Exception e) {
          if (socket.isClosed()) {
            return;
          }
        }
      }
    }

    private byte[] reply(byte[] query, int length) {
      int end = 12;
      StringBuilder name = new StringBuilder();
      while (end < length && query[end] != 0) {
        int label = query[end] & 0xff;
        name.append(name.length() == 0 ? "" : ".").append(new String(query, end + 1, label));
        end += label + 1;
      }
      int type = ((query[end + 1] & 0xff) << 8) | (query[end + 2] & 0xff);
      end += 5; // the zero label, type and class
      boolean answer = type == 1 && NAME.equalsIgnoreCase(name.toString());
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(query[0]);
      out.write(query[1]);
      out.writeBytes(new byte[] {(byte) 0x81, (byte) 0x80, 0, 1, 0, (byte) (answer ? 1 : 0), 0, 0, 0, 0});
      out.write(query, 12, end - 12);
      if (answer) {
        // name (a pointer to the question's), type A, class IN, TTL 86,400 s, 4 bytes of address
        out.writeBytes(new byte[] {(byte) 0xc0, 12, 0, 1, 0, 1, 0, 1, 0x51, (byte) 0x80, 0, 4});
        out.writeBytes(address.getAddress());
      }
      return out.toByteArray();
    }

    @Override
    public void close() {
      socket.close();
    }
  }
}
