package io.cotoami.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A free loopback port, for servers that must be told their port before they start. The kernel
 * may hand the same ephemeral port out again as soon as the probe socket closes, so a port given
 * once is never given again by this JVM: two servers asked for in a row never get the same one.
 */
public final class FreePorts {
  private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();
  private static final int ATTEMPTS = 100;

  private FreePorts() {
  }

  public static int next() {
    for (int i = 0; i < ATTEMPTS; i++) {
      int port = probe();
      if (GIVEN.add(port)) {
        return port;
      }
    }
    throw new IllegalStateException("no loopback port free that was not given out already, after " + ATTEMPTS + " tries");
  }

  /** Ports another part of the program will bind later: {@link #next()} never gives them out. */
  public static void reserve(Iterable<Integer> ports) {
    ports.forEach(GIVEN::add);
  }

  private static int probe() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
