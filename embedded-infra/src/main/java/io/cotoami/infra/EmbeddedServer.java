package io.cotoami.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the embedded PostgreSQL and Redis have in common: a port, a data directory that is either
 * temporary (removed on close, for tests) or kept (the dev stack), and stop/restart/close.
 */
abstract class EmbeddedServer implements AutoCloseable {
  protected final Path dataDir;
  protected final int port;
  private final boolean temporary;

  EmbeddedServer(Path dataDir, boolean temporary, int port) {
    this.dataDir = dataDir;
    this.temporary = temporary;
    this.port = port;
  }

  static Path temporaryDirectory(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  abstract void startProcess();

  abstract void stopProcess();

  public int port() {
    return port;
  }

  /** Where its data lives (PostgreSQL's holds {@code postmaster.pid}). */
  public Path dataDir() {
    return dataDir;
  }

  /** Stops the server; {@link #restart()} brings it back on the same port and data. */
  public void stop() {
    stopProcess();
  }

  /** Stops and starts on the same port and data: what a restart looks like to clients. */
  public void restart() {
    stopProcess();
    startProcess();
  }

  @Override
  public void close() {
    stopProcess();
    if (temporary) {
      Directories.deleteQuietly(dataDir);
    }
  }
}
