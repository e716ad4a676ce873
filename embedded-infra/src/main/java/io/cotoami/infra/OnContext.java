package io.cotoami.infra;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs a Vert.x client call on one Vert.x context, never on the calling thread: the way tests
 * start their requests. Called from a thread outside Vert.x (the JUnit thread), Vert.x 5.0.7's
 * HTTP client now and then never completes a request (docs/architecture.md, "Tests";
 * eclipse-vertx/vert.x#6038).
 */
public final class OnContext {
  /** The longest {@link #await} waits: far past any answer a test expects, short of a hung build. */
  public static final Duration BOUND = Duration.ofSeconds(60);
  private final Context context;

  public OnContext(Vertx vertx) {
    this.context = vertx.getOrCreateContext();
  }

  /** Starts {@code call} on this context; its result, to come. */
  public <T> Future<T> start(Supplier<Future<T>> call) {
    Promise<T> done = Promise.promise();
    context.runOnContext(v -> {
      try {
        call.get().onComplete(done);
      } catch (RuntimeException e) {
        done.fail(e);
      }
    });
    return done.future();
  }

  /** Runs {@code call} on this context and waits for its result, at most {@link #BOUND}. */
  public <T> T await(Supplier<Future<T>> call) throws Exception {
    return start(call).toCompletionStage().toCompletableFuture().get(BOUND.toSeconds(), TimeUnit.SECONDS);
  }
}
