package io.cotoami.bench;

import io.cotoami.infra.FreePorts;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Item 2. One cotonoma with N WebSocket subscribers; posts through the gateway; the time from each
 * post's acknowledgement (its 201 back at the poster) to its delivery at every subscriber, and the
 * delivered messages per second of a burst. The reference is a bare Vert.x broadcast server
 * ({@link ReferenceServers.Broadcast}) driven by the same harness with frames of the same size.
 */
final class FanoutBench {
  static final String MARK = "fanout #";

  private final Bench.Settings settings;
  private final int latencyPosts;
  private final int burstPosts;

  FanoutBench(Bench.Settings settings, int latencyPosts, int burstPosts) {
    this.settings = settings;
    this.latencyPosts = latencyPosts;
    this.burstPosts = burstPosts;
  }

  /** What one target gave. */
  record Result(int subscribers, long setupMillis, long presenceFrames, Histogram fromAck, Histogram fromSend,
                long beforeAck, double deliveredPerSecond, long missing, int frameBytes, int failedPosts,
                String firstFailure) {
  }

  /** A post: send it, return when acknowledged. */
  interface Poster {
    Future<Void> post(int number);
  }

  /** Subscriptions begun per second at most, and at most this many waiting for their answer at once. */
  static final int ADMIT_PER_SECOND = 2000;
  static final int ADMIT_LANES = 64;

  /**
   * For each size: subscribers of one cotonoma when {@code size <= cotonomaUpTo}, else subscribers of the
   * poster's home timeline (the same dispatch path without presence) and then, last because it may leave the
   * gateway unusable, an attempt at the cotonoma bounded by {@code setupLimitSeconds}. Each against the reference.
   */
  void run(Stack stack, Proc gateway, Vertx vertx, int[] sizes, int cotonomaUpTo, int setupLimitSeconds,
           Report report) throws Exception {
    StringBuilder table = new StringBuilder("""
        | subscribers | target | set-up s | presence frames at set-up | from sent: p50 / p99 / max ms | after ack: p50 / p99 / max ms | delivered before the ack | delivered/s (burst) | missing |
        |---|---|---|---|---|---|---|---|---|
        """);
    StringBuilder notes = new StringBuilder();
    for (int size : sizes) {
      boolean cotonoma = size <= cotonomaUpTo;
      Result system;
      try {
        system = system(stack, gateway, vertx, size, cotonoma, 300);
      } catch (Fanouts.SetupFailed failed) {
        Fanouts.setupFailed(report, notes, gateway, size, cotonoma ? "cotonoma" : "home timeline", 300, failed);
        continue;
      }
      Result reference = reference(vertx, size, system.frameBytes());
      rows(report, table, size, cotonoma ? "cotonoma" : "home timeline", system, reference);
      if (!cotonoma) {
        try {
          Result attempt = system(stack, gateway, vertx, size, true, setupLimitSeconds);
          rows(report, table, size, "cotonoma", attempt, reference);
        } catch (Fanouts.SetupFailed failed) {
          Fanouts.setupFailed(report, notes, gateway, size, "cotonoma", setupLimitSeconds, failed);
        }
      }
    }
    report.section(String.format(Locale.ROOT, """
        ## 2. Fan-out

        One cotonoma; N WebSockets (`/api/ws`, one harness JVM, Vert.x WebSocket clients bound to 127.0.0.2,
        127.0.0.3, ... in turn), each with the bearer token of its own user, a member of the cotonoma (distinct
        viewers, as presence sees them), send `{"type":"subscribe","timeline":"cotonoma:<key>"}`. They are admitted
        at a bounded rate: at most %d begun per second and %d waiting for their answer at once, each waiting for
        its `subscribed` before the next; a failed handshake, an `error` answer, a close or no answer in 30 s is a
        refusal, counted, and any refusal is reported as a failure of the run. Then %d cotos are posted one at
        a time (`POST /api/cotos` with the `cotonomaKey`, through the same gateway), each after the previous reached
        every subscriber. Latency is measured twice (HdrHistogram, µs): from the post being sent to each subscriber
        receiving its frame (the summary's figure: it has a non-zero reference), and from the poster receiving the
        201 (the acknowledgement) to each delivery, where a delivery that arrives before the 201 counts as 0 (the
        event is published at commit, while the 201 still travels back through the gateway). Then a burst of %d
        posts sent at once (8 HTTP connections): delivered messages/s = N × %d / (last delivery − first send).

        Every signed-in subscriber of a cotonoma is a viewer (presence). The gateway coalesces presence changes per
        cotonoma (one frame a second at most, listing 20 viewers and the count), but each viewing socket is still
        one entry of a cluster-wide map, written at its join and at every renewal, and that bounds how fast a
        crowd can subscribe. Above %d subscribers the suite therefore first measures the same posts delivered
        to N subscribers of the poster's **home** timeline (same dispatch, no presence; only its owner may watch a
        home, so there every socket carries the poster's token), then tries the cotonoma
        with a set-up limit of %d s.

        The reference is a bare Vert.x WebSocket server (one verticle, like the gateway) that answers `subscribe`
        and, on `POST /publish`, acknowledges then writes the body to every socket; it is driven by the same
        harness with frames of the gateway's event frame size.

        %s
        %s""", ADMIT_PER_SECOND, ADMIT_LANES, latencyPosts, burstPosts, burstPosts, cotonomaUpTo, setupLimitSeconds, table, notes));
  }

  private void rows(Report report, StringBuilder table, int size, String timeline, Result system, Result reference) {
    for (Result r : List.of(system, reference)) {
      if (r.failedPosts() > 0) {
        report.problem("fan-out " + size + (r == system ? " (gateway, " + timeline + ")" : " (reference)") + ": "
            + r.failedPosts() + " of " + (latencyPosts + burstPosts) + " posts failed, the first with: "
            + r.firstFailure());
      }
      if (r.missing() > 0 || r.fromSend().getTotalCount() == 0) {
        report.problem("fan-out " + size + (r == system ? " (gateway, " + timeline + ")" : " (reference)") + ": "
            + r.missing() + " deliveries missing, " + r.fromSend().getTotalCount() + " timed");
      }
    }
    String item = "2. fan-out " + size + " (" + timeline + ")";
    report.row(item, "delivery p50, from the post sent", Report.ms(system.fromSend(), 50), "bare Vert.x broadcast",
        Report.ms(reference.fromSend(), 50), "ms");
    report.row(item, "delivery p99, from the post sent", Report.ms(system.fromSend(), 99), "bare Vert.x broadcast",
        Report.ms(reference.fromSend(), 99), "ms");
    report.row(item, "delivery max, from the post sent", Report.maxMs(system.fromSend()), "bare Vert.x broadcast",
        Report.maxMs(reference.fromSend()), "ms");
    report.row(item, "delivered messages/s (burst)", system.deliveredPerSecond(), "bare Vert.x broadcast",
        reference.deliveredPerSecond(), "/s");
    report.row(item, "set-up: all subscribed", system.setupMillis(), "bare Vert.x broadcast", reference.setupMillis(),
        "ms");
    for (Result r : List.of(system, reference)) {
      table.append(String.format(Locale.ROOT, "| %d | %s | %.1f | %d | %s / %s / %s | %s / %s / %s | %d | %s | %d |%n",
          size, r == system ? "gateway (" + timeline + ")" : "bare Vert.x broadcast", r.setupMillis() / 1000.0,
          r.presenceFrames(), Report.num(Report.ms(r.fromSend(), 50)), Report.num(Report.ms(r.fromSend(), 99)),
          Report.num(Report.maxMs(r.fromSend())), Report.num(Report.ms(r.fromAck(), 50)),
          Report.num(Report.ms(r.fromAck(), 99)), Report.num(Report.maxMs(r.fromAck())), r.beforeAck(),
          Report.num(r.deliveredPerSecond()), r.missing()));
    }
  }

  Result system(Stack stack, Proc gateway, Vertx vertx, int subscribers, boolean cotonoma, int setupLimitSeconds)
      throws Exception {
    String owner = UUID.randomUUID().toString();
    String token = stack.keys.token(vertx, owner, "owner-" + owner.substring(0, 8) + "@example.com", "owner");
    Api api = new Api(vertx, gateway.httpPort);
    try {
      String key = Api.await(api.post(token, "/api/cotonomas", new JsonObject().put("name", "fanout " + subscribers
          + " " + owner.substring(0, 6)))).getString("key");
      String timeline = cotonoma ? "cotonoma:" + key : "home";
      // A cotonoma's viewers are distinct users, its members (presence is per user); the home timeline can
      // only be watched by its owner, so there every socket carries the poster's token.
      String[] tokens = cotonoma ? Viewers.admit(stack, vertx, key, subscribers) : null;
      String subscribe = new JsonObject().put("type", "subscribe").put("timeline", timeline).encode();
      Bench.say("fan-out: " + subscribers + " subscribers to " + (cotonoma ? timeline : "the poster's home timeline")
          + " through the gateway");
      return measure(vertx, subscribers, gateway.httpPort, "/api/ws", i -> tokens == null ? token : tokens[i], subscribe,
          n -> api.post(token, "/api/cotos", new JsonObject().put("content", MARK + n + " from the benchmark")
              .put("cotonomaKey", key)).mapEmpty(), -1, setupLimitSeconds);
    } finally {
      api.close();
    }
  }

  Result reference(Vertx vertx, int subscribers, int frameBytes) throws Exception {
    int port = FreePorts.next();
    try (Proc server = Proc.start("broadcast-reference", settings, settings.javaOptions(),
        settings.harness("broadcast-reference", String.valueOf(port)), java.util.Map.of(), port)) {
      server.awaitReady("/health/ready", java.time.Duration.ofMinutes(1));
      HttpClient http = vertx.createHttpClient(new io.vertx.core.http.PoolOptions().setHttp1MaxSize(8));
      Bench.say("fan-out: " + subscribers + " subscribers to the bare Vert.x broadcast server");
      try {
        return measure(vertx, subscribers, port, "/ws", i -> null, "{\"type\":\"subscribe\",\"timeline\":\"x\"}",
            n -> http.request(HttpMethod.POST, port, "127.0.0.1", "/publish")
                .compose(request -> request.send(Buffer.buffer(frame(n, frameBytes))))
                .compose(response -> response.body().compose(b -> response.statusCode() == 200
                    ? Future.<Void>succeededFuture() : Future.failedFuture("publish: " + response.statusCode()))),
            frameBytes, 300);
      } finally {
        http.close();
      }
    }
  }

  /** A frame shaped like the gateway's event frames, padded to {@code bytes}. */
  static String frame(int number, int bytes) {
    String head = "{\"type\":\"event\",\"timeline\":\"cotonoma:x\",\"eventId\":" + number
        + ",\"event\":{\"type\":\"coto-posted\",\"coto\":{\"content\":\"" + MARK + number + " from the benchmark\",\"pad\":\"";
    String tail = "\"}}}";
    return head + "x".repeat(Math.max(0, bytes - head.length() - tail.length())) + tail;
  }

  private Result measure(Vertx vertx, int subscribers, int port, String uri, java.util.function.IntFunction<String> tokenFor,
                         String subscribeFrame,
                         Poster poster, int knownFrameBytes, int setupLimitSeconds) throws Exception {
    int posts = latencyPosts + burstPosts;
    long[][] received = new long[posts][subscribers];
    AtomicIntegerArray delivered = new AtomicIntegerArray(posts);
    AtomicLong presence = new AtomicLong();
    AtomicInteger frameBytes = new AtomicInteger(knownFrameBytes);
    long setupStart = System.nanoTime();
    try (WsClients clients = new WsClients(vertx, subscribers)) {
      WsClients.Subscribed opened = clients.subscribe(subscribers, ADMIT_LANES, ADMIT_PER_SECOND, port, uri, tokenFor,
          (ws, index, answer) -> {
            ws.textMessageHandler(text -> {
              long now = System.nanoTime();
              int mark = text.indexOf(MARK);
              if (mark >= 0 && text.startsWith("{\"type\":\"event\"")) {
                int n = Fanouts.number(text, mark + MARK.length());
                if (n >= 0 && n < posts && received[n][index] == 0) {
                  received[n][index] = now;
                  delivered.incrementAndGet(n);
                  frameBytes.compareAndSet(-1, text.length());
                }
              } else if (text.startsWith("{\"type\":\"subscribed\"")) {
                answer.tryComplete();
              } else if (text.startsWith("{\"type\":\"error\"")) {
                answer.tryFail("refused: " + text);
              } else if (text.startsWith("{\"type\":\"presence\"")) {
                presence.incrementAndGet();
              }
            });
            ws.writeTextMessage(subscribeFrame);
          }, 30_000, setupStart + TimeUnit.SECONDS.toNanos(setupLimitSeconds));
      if (opened.subscribed() < subscribers) {
        throw new Fanouts.SetupFailed(opened.refused() > 0 ? opened.refused() + " refused, the first " + opened.firstRefusal()
            : "the set-up limit came first", opened.subscribed(), opened.refused(), presence.get(), opened.millis());
      }
      long setupMillis = (System.nanoTime() - setupStart) / 1_000_000;
      long presenceAtSetup = presence.get();
      Bench.say(String.format(Locale.ROOT, "fan-out: %d sockets open in %.1f s, all subscribed after %.1f s; %d presence frames so far",
          subscribers, opened.millis() / 1000.0, setupMillis / 1000.0, presence.get()));
      long[] sent = new long[posts];
      long[] acked = new long[posts];
      boolean[] failed = new boolean[posts];
      String firstFailure = null;
      for (int n = 0; n < latencyPosts; n++) {
        sent[n] = System.nanoTime();
        try {
          Api.await(poster.post(n));
          acked[n] = System.nanoTime();
          Fanouts.awaitDelivered(delivered, n, subscribers, 30);
        } catch (Exception e) {
          failed[n] = true;
          firstFailure = firstFailure == null ? e.getMessage() : firstFailure;
        }
      }
      long burstStart = System.nanoTime();
      List<Future<Void>> burst = new ArrayList<>();
      for (int n = latencyPosts; n < posts; n++) {
        sent[n] = System.nanoTime();
        burst.add(poster.post(n));
      }
      try {
        Future.join(burst).await(120, TimeUnit.SECONDS);
      } catch (Exception e) {
        // join fails when any post failed: each is counted below
      }
      for (int n = latencyPosts; n < posts; n++) {
        if (burst.get(n - latencyPosts).failed()) {
          failed[n] = true;
          firstFailure = firstFailure == null ? burst.get(n - latencyPosts).cause().getMessage() : firstFailure;
        }
      }
      long missing = 0;
      long burstEnd = burstStart;
      for (int n = latencyPosts; n < posts; n++) {
        if (!failed[n]) {
          Fanouts.awaitDelivered(delivered, n, subscribers, 60);
        }
      }
      Histogram fromAck = Report.micros();
      Histogram fromSend = Report.micros();
      long beforeAck = 0;
      int failedPosts = 0;
      for (int n = 0; n < posts; n++) {
        if (failed[n]) {
          failedPosts++;
          continue;
        }
        missing += subscribers - delivered.get(n);
        for (int s = 0; s < subscribers; s++) {
          long at = received[n][s];
          if (at == 0) {
            continue;
          }
          if (n >= latencyPosts) {
            burstEnd = Math.max(burstEnd, at);
            continue;
          }
          long afterAck = (at - acked[n]) / 1000;
          if (afterAck < 0) {
            beforeAck++;
          }
          fromAck.recordValue(Math.max(0, afterAck));
          fromSend.recordValue(Math.max(0, (at - sent[n]) / 1000));
        }
      }
      double perSecond = burstPosts == 0 ? Double.NaN
          : (double) subscribers * (burstPosts - Fanouts.countFailed(failed, latencyPosts)) / ((burstEnd - burstStart) / 1e9);
      long presenceFrames = presenceAtSetup;
      Bench.say(String.format(Locale.ROOT, "fan-out: p50 %.2f ms, p99 %.2f ms, max %.2f ms after ack; %.0f delivered/s; %d missing",
          Report.ms(fromAck, 50), Report.ms(fromAck, 99), Report.maxMs(fromAck), perSecond, missing));
      if (failedPosts > 0) {
        Bench.say("fan-out: " + failedPosts + " of " + posts + " posts failed, the first: " + firstFailure);
      }
      return new Result(subscribers, setupMillis, presenceFrames, fromAck, fromSend,
          beforeAck, perSecond, missing, frameBytes.get(), failedPosts, firstFailure);
    }
  }
}
