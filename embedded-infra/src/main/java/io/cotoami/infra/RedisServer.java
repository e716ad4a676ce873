package io.cotoami.infra;

import io.cotoami.common.config.RedisConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real Redis server (codemonstur's bundled binary) on loopback, with append-only persistence.
 * It never evicts ({@code noeviction}): with a {@code maxmemory} bound, a write that would pass it
 * is refused (OOM) and nothing already stored is dropped.
 */
public final class RedisServer extends EmbeddedServer {
  private final long maxmemory;
  private redis.embedded.RedisServer server;

  private RedisServer(Path dataDir, boolean temporary, int port, long maxmemory) {
    super(dataDir, temporary, port);
    this.maxmemory = maxmemory;
  }

  public static RedisServer startTemporary() {
    return startTemporary(0);
  }

  /** With {@code maxmemory} bytes at most (0: unbounded). */
  public static RedisServer startTemporary(long maxmemory) {
    RedisServer instance = new RedisServer(temporaryDirectory("cotoami-redis-"), true, FreePorts.next(), maxmemory);
    instance.startProcess();
    return instance;
  }

  public static RedisServer startPersistent(Path dataDir, int port) {
    return startPersistent(dataDir, port, 0);
  }

  /** Kept in {@code dataDir}, with {@code maxmemory} bytes at most (0: unbounded). */
  public static RedisServer startPersistent(Path dataDir, int port, long maxmemory) {
    RedisServer instance = new RedisServer(dataDir, false, port, maxmemory);
    instance.startProcess();
    return instance;
  }

  public long maxmemory() {
    return maxmemory;
  }

  @Override
  void startProcess() {
    try {
      Files.createDirectories(dataDir);
      server = redis.embedded.RedisServer.newRedisServer()
          .port(port)
          .bind("127.0.0.1")
          .setting("dir " + dataDir.toAbsolutePath())
          .setting("appendonly yes")
          .setting("save \"\"")
          .setting("maxmemory " + maxmemory)
          .setting("maxmemory-policy noeviction")
          .build();
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start embedded Redis on port " + port, e);
    }
  }

  @Override
  void stopProcess() {
    try {
      if (server != null) {
        server.stop();
        server = null;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public RedisConfig config() {
    return new RedisConfig("redis://127.0.0.1:" + port, 8);
  }
}
