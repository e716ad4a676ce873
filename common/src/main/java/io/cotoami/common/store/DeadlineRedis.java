package io.cotoami.common.store;

import io.cotoami.common.failure.DeadlineExceededException;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A Redis client whose every command has a deadline ({@code REDIS_COMMAND_TIMEOUT}), so a frozen
 * or unreachable Redis fails a request fast with {@link DeadlineExceededException} (a 503)
 * instead of hanging it. Blocking reads ({@code XREADGROUP ... BLOCK}, {@code BLPOP}, ...) are
 * left alone: they wait on purpose.
 *
 * <p>A command that timed out here may still run when Redis resumes. Where that would be work
 * done after the failure was reported, use {@link #evalGuarded}: the script first compares
 * Redis's own clock ({@code TIME}) with the call's deadline and does nothing if it starts late.
 */
public final class DeadlineRedis implements RedisAPI {
  /** A guarded script must start this long before the caller gives up, so its answer can arrive in time. */
  static final Duration GUARD_MARGIN = Duration.ofMillis(300);
  private static final Set<Command> BLOCKING = Set.of(Command.BLPOP, Command.BRPOP, Command.BRPOPLPUSH,
      Command.BLMOVE, Command.BLMPOP, Command.BZPOPMIN, Command.BZPOPMAX, Command.BZMPOP, Command.WAIT);
  /** Takes the deadline (epoch ms, last argument) off ARGV and refuses to act past it. */
  private static final String GUARD = String.join("\n",
      "local deadline = tonumber(table.remove(ARGV))",
      "local now = redis.call('TIME')",
      "if tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) > deadline then",
      "  return redis.error_reply('DEADLINE Redis started this script after its caller gave up')",
      "end",
      "");

  private final RedisAPI delegate;
  private final Duration timeout;

  public DeadlineRedis(RedisAPI delegate, Duration timeout) {
    this.delegate = delegate;
    this.timeout = timeout;
  }

  public Duration timeout() {
    return timeout;
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public Future<Response> send(Command command, String... args) {
    Future<Response> sent = delegate.send(command, args);
    if (blocking(command, args)) {
      return sent;
    }
    return sent.timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .recover(e -> Future.failedFuture(e instanceof TimeoutException && !(e instanceof DeadlineExceededException)
            ? new DeadlineExceededException("Redis " + command + " did not answer within " + timeout.toMillis() + " ms")
            : e));
  }

  /**
   * {@code EVAL script keys args}, done only if Redis starts it before the deadline of this call;
   * otherwise it fails with {@link DeadlineExceededException} and nothing was changed, even when
   * Redis runs it long after (it was frozen, the network held it). The script sees its
   * {@code KEYS} and {@code ARGV} as given.
   */
  public static Future<Response> evalGuarded(RedisAPI redis, String script, List<String> keys, List<String> args) {
    Duration timeout = redis instanceof DeadlineRedis ? ((DeadlineRedis) redis).timeout : null;
    RedisAPI target = timeout == null ? new DeadlineRedis(redis, timeout = Duration.ofMillis(1500)) : redis;
    long margin = Math.min(GUARD_MARGIN.toMillis(), timeout.toMillis() / 2);
    long deadline = System.currentTimeMillis() + timeout.toMillis() - margin;
    List<String> command = new ArrayList<>(keys.size() + args.size() + 3);
    command.add(GUARD + script);
    command.add(String.valueOf(keys.size()));
    command.addAll(keys);
    command.addAll(args);
    command.add(String.valueOf(deadline));
    return target.eval(command).recover(e -> Future.failedFuture(
        String.valueOf(e.getMessage()).startsWith("DEADLINE") ? new DeadlineExceededException(e.getMessage()) : e));
  }

  private static boolean blocking(Command command, String[] args) {
    if (BLOCKING.contains(command)) {
      return true;
    }
    return (command == Command.XREAD || command == Command.XREADGROUP)
        && Arrays.stream(args).anyMatch(arg -> "BLOCK".equalsIgnoreCase(arg));
  }
}
