package io.cotoami.bench;

import io.cotoami.common.cluster.ClusteredVertx;
import io.cotoami.common.config.ClusterConfig;
import io.cotoami.infra.FreePorts;
import io.cotoami.infra.TestConfigs;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Item 5. Request/reply over the clustered event bus between two processes (the harness and an
 * echo node, both started with the services' own {@link ClusteredVertx}) against the same
 * requests to a consumer in the same process; same JSON message, same counts.
 */
final class EventBusBench {
  record Result(Histogram latency, double perSecond) {
  }

  private final Bench.Settings settings;
  private final int sequential;
  private final int pipelinedSeconds;
  private final int inFlight;
  private final JsonObject message = new JsonObject().put("type", "bench").put("payload", "x".repeat(1024));

  EventBusBench(Bench.Settings settings, int sequential, int pipelinedSeconds, int inFlight) {
    this.settings = settings;
    this.sequential = sequential;
    this.pipelinedSeconds = pipelinedSeconds;
    this.inFlight = inFlight;
  }

  void run(Report report) throws Exception {
    String cluster = TestConfigs.newClusterName();
    int port = FreePorts.next();
    Result clustered;
    Bench.say("event bus: starting an echo node (clustered Vert.x, Hazelcast) as its own process");
    try (Proc echo = Proc.start("echo-node", settings, settings.javaOptions(),
        settings.harness("echo-node", cluster, String.valueOf(port)), Map.of(), port)) {
      echo.awaitReady("/health/ready", Duration.ofMinutes(2));
      Vertx vertx = ClusteredVertx.start(ClusterConfig.loopback(cluster), new SimpleMeterRegistry())
          .await(2, TimeUnit.MINUTES).vertx();
      try {
        awaitEcho(vertx.eventBus());
        Bench.say("event bus: two processes over Hazelcast");
        clustered = measure(vertx);
      } finally {
        vertx.close().await(30, TimeUnit.SECONDS);
      }
    }
    Vertx local = Vertx.vertx();
    Result oneProcess;
    try {
      local.eventBus().<Object>consumer(ReferenceServers.ECHO, m -> m.reply(m.body())).completion().await();
      Bench.say("event bus: one process");
      oneProcess = measure(local);
    } finally {
      local.close().await(30, TimeUnit.SECONDS);
    }
    String item = "5. event bus";
    report.row(item, "round trip p50, two processes", Report.ms(clustered.latency(), 50), "one process",
        Report.ms(oneProcess.latency(), 50), "ms");
    report.row(item, "round trip p99, two processes", Report.ms(clustered.latency(), 99), "one process",
        Report.ms(oneProcess.latency(), 99), "ms");
    report.row(item, "round trips/s, " + inFlight + " in flight", clustered.perSecond(), "one process",
        oneProcess.perSecond(), "/s");
    report.section(String.format(Locale.ROOT, """
        ## 5. Clustered event bus

        `request`/`reply` of a JSON message with a 1 KiB string (`{"type":"bench","payload":"xxx..."}`) to a
        consumer that replies with the body. Two processes: the harness and an echo node, each a clustered Vert.x
        started by `ClusteredVertx` (the services' own Hazelcast configuration) on loopback. One process: a plain
        Vert.x with the consumer in the same JVM (the harness, on the loader's core). %d round trips one at a time
        (after %d of warm-up) for latency; then %d in flight for %d s for throughput.

        | target | p50 ms | p99 ms | max ms | round trips/s |
        |---|---|---|---|---|
        | two processes over Hazelcast | %s | %s | %s | %s |
        | one process | %s | %s | %s | %s |
        """, sequential, sequential / 5, inFlight, pipelinedSeconds,
        Report.num(Report.ms(clustered.latency(), 50)), Report.num(Report.ms(clustered.latency(), 99)),
        Report.num(Report.maxMs(clustered.latency())), Report.num(clustered.perSecond()),
        Report.num(Report.ms(oneProcess.latency(), 50)), Report.num(Report.ms(oneProcess.latency(), 99)),
        Report.num(Report.maxMs(oneProcess.latency())), Report.num(oneProcess.perSecond())));
  }

  /** Consumer registrations travel through Hazelcast: ask until the echo node's is seen. */
  private void awaitEcho(EventBus bus) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    while (true) {
      try {
        bus.request(ReferenceServers.ECHO, message, new DeliveryOptions().setSendTimeout(2000)).await(5, TimeUnit.SECONDS);
        return;
      } catch (Exception e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(200);
      }
    }
  }

  private Result measure(Vertx vertx) throws Exception {
    EventBus bus = vertx.eventBus();
    sequentially(vertx, bus, sequential / 5, Report.micros()).await(5, TimeUnit.MINUTES);
    Histogram latency = Report.micros();
    sequentially(vertx, bus, sequential, latency).await(5, TimeUnit.MINUTES);
    AtomicLong done = new AtomicLong();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(pipelinedSeconds);
    long started = System.nanoTime();
    Future<?>[] lanes = new Future<?>[inFlight];
    for (int i = 0; i < inFlight; i++) {
      Promise<Void> lane = Promise.promise();
      vertx.runOnContext(v -> until(bus, deadline, done, lane));
      lanes[i] = lane.future();
    }
    Future.all(java.util.List.of(lanes)).await(pipelinedSeconds + 60L, TimeUnit.SECONDS);
    double perSecond = done.get() / ((System.nanoTime() - started) / 1e9);
    Bench.say(String.format(Locale.ROOT, "event bus: p50 %.3f ms, p99 %.3f ms; %.0f round trips/s",
        Report.ms(latency, 50), Report.ms(latency, 99), perSecond));
    return new Result(latency, perSecond);
  }

  private Future<Void> sequentially(Vertx vertx, EventBus bus, int count, Histogram latency) {
    Promise<Void> done = Promise.promise();
    vertx.runOnContext(v -> next(bus, 0, count, latency, done));
    return done.future();
  }

  private void next(EventBus bus, int i, int count, Histogram latency, Promise<Void> done) {
    if (i == count) {
      done.complete();
      return;
    }
    long start = System.nanoTime();
    bus.request(ReferenceServers.ECHO, message).onComplete(reply -> {
      if (reply.failed()) {
        done.fail(reply.cause());
        return;
      }
      latency.recordValue(Math.max(1, (System.nanoTime() - start) / 1000));
      next(bus, i + 1, count, latency, done);
    });
  }

  private void until(EventBus bus, long deadline, AtomicLong done, Promise<Void> lane) {
    if (System.nanoTime() > deadline) {
      lane.complete();
      return;
    }
    bus.request(ReferenceServers.ECHO, message).onComplete(reply -> {
      if (reply.failed()) {
        lane.fail(reply.cause());
        return;
      }
      done.incrementAndGet();
      until(bus, deadline, done, lane);
    });
  }
}
