package io.cotoami.common.runtime;

import io.cotoami.common.config.ConfigException;
import io.cotoami.common.failure.Failures;
import io.cotoami.common.log.Logs;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code main} of every service: read the config once, start, and stop gracefully on SIGTERM or
 * Ctrl-C. A bad config or a failed start ends the process with one clear line and a non-zero status.
 */
public final class ServiceLauncher {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceLauncher.class);

  private ServiceLauncher() {
  }

  public static <C> void run(String service, Supplier<C> readConfig, Function<C, Future<ServiceInstance>> start) {
    C config;
    try {
      config = readConfig.get();
    } catch (ConfigException e) {
      System.err.println(service + ": configuration error: " + e.getMessage());
      System.exit(2);
      return;
    }
    ServiceInstance instance;
    try {
      // Waits on the main thread: callbacks of a start that failed may have nowhere left to run.
      instance = start.apply(config).toCompletionStage().toCompletableFuture().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      halt(1);
      return;
    } catch (ExecutionException e) {
      String reason = Failures.describe(e.getCause());
      LOG.error("{} failed to start: {}", service, reason);
      System.err.println(service + ": failed to start: " + reason);
      // Non-daemon cluster threads may be running: leave without waiting for them.
      halt(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(instance), service + "-shutdown"));
    LOG.info("{} is ready", service);
  }

  /** Runs in the JVM's shutdown hook (SIGTERM, SIGINT); exits 0 once drained and out of the cluster. */
  private static void stop(ServiceInstance instance) {
    Duration budget = instance.config().shutdownGrace().plusSeconds(10);
    try {
      instance.shutdown().toCompletionStage().toCompletableFuture().get(budget.toMillis(), TimeUnit.MILLISECONDS);
      halt(0);
    } catch (Exception e) {
      LOG.error("Shutdown did not complete cleanly: {}", Failures.describe(e));
      halt(1);
    }
  }

  /** Ends the process at once, after the log lines still queued are written. */
  private static void halt(int status) {
    Logs.flush();
    Runtime.getRuntime().halt(status);
  }
}
