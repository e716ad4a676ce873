package io.cotoami.infra;

import io.cotoami.common.config.RedisConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A real Redis server (codemonstur's bundled binary) on loopback, with append-only persistence. */
public final class RedisServer implements AutoCloseable {
  private final Path dataDir;
  private final boolean temporary;
  private final int port;
  private redis.embedded.RedisServer server;

  private RedisServer(Path dataDir, boolean temporary, int port) {
    this.dataDir = dataDir;
    this.temporary = temporary;
    this.port = port;
  }

  public static RedisServer startTemporary() {
    try {
      return start(Files.createTempDirectory("cotoami-redis-"), true, FreePorts.next());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static RedisServer startPersistent(Path dataDir, int port) {
    return start(dataDir, false, port);
  }

  private static RedisServer start(Path dataDir, boolean temporary, int port) {
    RedisServer instance = new RedisServer(dataDir, temporary, port);
    instance.startProcess();
    return instance;
  }

  private void startProcess() {
    try {
      Files.createDirectories(dataDir);
      server = redis.embedded.RedisServer.newRedisServer()
          .port(port)
          .bind("127.0.0.1")
          .setting("dir " + dataDir.toAbsolutePath())
          .setting("appendonly yes")
          .setting("save \"\"")
          .build();
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start embedded Redis on port " + port, e);
    }
  }

  public int port() {
    return port;
  }

  public RedisConfig config() {
    return new RedisConfig("redis://127.0.0.1:" + port, 8);
  }

  public void stop() {
    try {
      if (server != null) {
        server.stop();
        server = null;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void restart() {
    stop();
    startProcess();
  }

  @Override
  public void close() {
    stop();
    if (temporary) {
      Directories.deleteQuietly(dataDir);
    }
  }
}
