package io.cotoami.common.runtime;

import io.cotoami.common.config.ConnectionLimits;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.InternetProtocolFamily;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.net.ClientOptionsBase;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.transport.Transport;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps the connections of a server where they are accepted, on the acceptor thread, before Vert.x
 * sets anything up for them: one over the global or the per-address cap is closed at once, so its
 * file descriptor is released at once. Counting any later (in a connection handler, on an event
 * loop) lets a burst of connections pile up faster than they are closed and use up the file
 * descriptors. Installed as the Vert.x transport (NIO, with a gate on every server bootstrap);
 * {@link #limit} turns the caps on for one bound port.
 */
public final class AcceptGate {
  /** Caps and counts of one bound port. */
  private static final class Gate {
    final ConnectionLimits limits;
    final AtomicInteger open = new AtomicInteger();
    final Map<String, Integer> perClient = new ConcurrentHashMap<>();
    final Counter refusedGlobal;
    final Counter refusedPerClient;

    Gate(ConnectionLimits limits, String server, MeterRegistry registry) {
      this.limits = limits;
      refusedGlobal = counter(registry, server, "global-cap");
      refusedPerClient = counter(registry, server, "per-client-cap");
      // Counted here, where a connection's channel opens and closes: an HTTP connection's close
      // handler is not called once it has become a WebSocket.
      Gauge.builder("cotoami_http_connections_open", open, AtomicInteger::get).tag("server", server)
          .description("Connections open now").register(registry);
    }

    private static Counter counter(MeterRegistry registry, String server, String reason) {
      return Counter.builder("cotoami_http_connections_refused_total").tag("server", server).tag("reason", reason)
          .description("Connections closed as soon as accepted because a cap was reached").register(registry);
    }
  }

  private static final Map<Integer, Gate> BY_PORT = new ConcurrentHashMap<>();

  private AcceptGate() {
  }

  /** The transport every clustered Vert.x of ours is built with. */
  public static Transport transport() {
    Transport nio = Transport.NIO;
    io.vertx.core.spi.transport.Transport gated = new Gated(nio.implementation());
    return new Transport() {
      @Override
      public String name() {
        return nio.name();
      }

      @Override
      public boolean available() {
        return nio.available();
      }

      @Override
      public Throwable unavailabilityCause() {
        return nio.unavailabilityCause();
      }

      @Override
      public io.vertx.core.spi.transport.Transport implementation() {
        return gated;
      }
    };
  }

  /** From now on, connections accepted on {@code port} are counted and held to the caps of {@code limits}. */
  static void limit(int port, ConnectionLimits limits, String server, MeterRegistry registry) {
    BY_PORT.put(port, new Gate(limits, server, registry));
  }

  /** From now on, connections accepted on {@code port} are counted, with no cap. */
  static void count(int port, String server, MeterRegistry registry) {
    limit(port, new ConnectionLimits(null, null, null, Integer.MAX_VALUE, 0), server, registry);
  }

  /** Connections open now on {@code port} (0 when it is not counted). */
  static int open(int port) {
    Gate gate = BY_PORT.get(port);
    return gate == null ? 0 : gate.open.get();
  }

  /** The server on {@code port} is closed: a later server on the same port number starts afresh. */
  static void forget(int port) {
    BY_PORT.remove(port);
  }

  @ChannelHandler.Sharable
  private static final class Acceptor extends ChannelInboundHandlerAdapter {
    static final Acceptor INSTANCE = new Acceptor();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      Gate gate = ctx.channel().localAddress() instanceof InetSocketAddress local ? BY_PORT.get(local.getPort()) : null;
      if (gate == null || !(msg instanceof Channel child)) {
        ctx.fireChannelRead(msg);
        return;
      }
      String address = child.remoteAddress() instanceof InetSocketAddress remote && remote.getAddress() != null
          ? remote.getAddress().getHostAddress() : "unknown";
      int total = gate.open.incrementAndGet();
      int fromClient = gate.perClient.merge(address, 1, Integer::sum);
      Runnable release = () -> {
        gate.open.decrementAndGet();
        gate.perClient.computeIfPresent(address, (k, n) -> n <= 1 ? null : n - 1);
      };
      boolean overGlobal = total > gate.limits.maxConnections();
      if (overGlobal || gate.limits.maxPerClient() > 0 && fromClient > gate.limits.maxPerClient()) {
        release.run();
        (overGlobal ? gate.refusedGlobal : gate.refusedPerClient).increment();
        child.unsafe().closeForcibly();
        return;
      }
      child.closeFuture().addListener(f -> release.run());
      ctx.fireChannelRead(child);
    }
  }

  /** NIO, with the gate in front of every server's acceptor. */
  private record Gated(io.vertx.core.spi.transport.Transport nio) implements io.vertx.core.spi.transport.Transport {
    @Override
    public void configure(NetServerOptions options, boolean domainSocket, ServerBootstrap bootstrap) {
      nio.configure(options, domainSocket, bootstrap);
      bootstrap.handler(Acceptor.INSTANCE);
    }

    @Override
    public boolean supportsDomainSockets() {
      return nio.supportsDomainSockets();
    }

    @Override
    public boolean supportFileRegion() {
      return nio.supportFileRegion();
    }

    @Override
    public boolean isAvailable() {
      return nio.isAvailable();
    }

    @Override
    public Throwable unavailabilityCause() {
      return nio.unavailabilityCause();
    }

    @Override
    public SocketAddress convert(io.vertx.core.net.SocketAddress address) {
      return nio.convert(address);
    }

    @Override
    public io.vertx.core.net.SocketAddress convert(SocketAddress address) {
      return nio.convert(address);
    }

    @Override
    public IoHandlerFactory ioHandlerFactory() {
      return nio.ioHandlerFactory();
    }

    @Override
    public EventLoopGroup eventLoopGroup(int type, int threads, ThreadFactory factory, int ioRatio) {
      return nio.eventLoopGroup(type, threads, factory, ioRatio);
    }

    @Override
    public DatagramChannel datagramChannel() {
      return nio.datagramChannel();
    }

    @Override
    public DatagramChannel datagramChannel(InternetProtocolFamily family) {
      return nio.datagramChannel(family);
    }

    @Override
    public ChannelFactory<? extends Channel> channelFactory(boolean domainSocket) {
      return nio.channelFactory(domainSocket);
    }

    @Override
    public ChannelFactory<? extends ServerChannel> serverChannelFactory(boolean domainSocket) {
      return nio.serverChannelFactory(domainSocket);
    }

    @Override
    public void configure(DatagramChannel channel, DatagramSocketOptions options) {
      nio.configure(channel, options);
    }

    @Override
    public void configure(ClientOptionsBase options, int connectTimeout, boolean domainSocket, Bootstrap bootstrap) {
      nio.configure(options, connectTimeout, domainSocket, bootstrap);
    }
  }
}
