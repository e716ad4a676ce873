package io.cotoami.infra;

import io.cotoami.common.config.RedisConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A real Redis server (codemonstur's bundled binary) on loopback, with append-only persistence. */
public final class RedisServer extends EmbeddedServer {
  private redis.embedded.RedisServer server;

  private RedisServer(Path dataDir, boolean temporary, int port) {
    super(dataDir, temporary, port);
  }

  public static RedisServer startTemporary() {
    RedisServer instance = new RedisServer(temporaryDirectory("cotoami-redis-"), true, FreePorts.next());
    instance.startProcess();
    return instance;
  }

  public static RedisServer startPersistent(Path dataDir, int port) {
    RedisServer instance = new RedisServer(dataDir, false, port);
    instance.startProcess();
    return instance;
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
