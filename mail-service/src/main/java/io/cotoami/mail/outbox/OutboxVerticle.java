package io.cotoami.mail.outbox;

import io.cotoami.common.bus.Addresses;
import io.cotoami.mail.smtp.SmtpSender;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the mail queued in the Redis stream {@link Addresses#MAIL_OUTBOX_STREAM}. Every
 * mail-service instance is a consumer of the group {@code mailers}: {@code XREADGROUP} hands each
 * entry to one of them; it is acknowledged ({@code XACK}, then deleted) only after the SMTP server
 * accepted it, so a mail is never lost. A failed send is retried with exponential backoff; entries
 * left pending by an instance that stopped are taken over with {@code XAUTOCLAIM} once idle for
 * {@code claimIdle}. A {@code mail:sent:<messageId>} marker (kept 7 days) makes a mail seen twice
 * go out once.
 */
public final class OutboxVerticle extends VerticleBase {
  public static final String GROUP = "mailers";
  static final String STREAM = Addresses.MAIL_OUTBOX_STREAM;
  static final String DEAD_LETTERS = "mail:dead";
  private static final Logger LOG = LoggerFactory.getLogger(OutboxVerticle.class);
  private static final Duration SENT_MARKER_TTL = Duration.ofDays(7);
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
  /** About 25 minutes of retries at the longest backoff; then the mail is parked in {@code mail:dead}. */
  private static final int MAX_ATTEMPTS = 50;
  private static final long CLAIM_EVERY_MILLIS = 15_000;

  private final RedisAPI redis;
  private final SmtpSender smtp;
  private final String consumer;
  private final Duration claimIdle;
  private volatile boolean stopping;
  private long lastClaim;
  /** The timer of a backoff in progress, or -1. */
  private long retryTimer = -1;
  private Promise<Void> stopped;

  public OutboxVerticle(RedisAPI redis, SmtpSender smtp, String consumer, Duration claimIdle) {
    this.redis = redis;
    this.smtp = smtp;
    this.consumer = consumer;
    this.claimIdle = claimIdle;
  }

  @Override
  public Future<?> start() {
    stopped = Promise.promise();
    // From 0: mail queued before any mail-service ever ran is sent too.
    return redis.xgroup(List.of("CREATE", STREAM, GROUP, "0", "MKSTREAM"))
        .recover(e -> String.valueOf(e.getMessage()).contains("BUSYGROUP")
            ? Future.succeededFuture() : Future.failedFuture(e))
        .onSuccess(v -> {
          LOG.info("Sending mail from {} as consumer {} of group {}", STREAM, consumer, GROUP);
          vertx.runOnContext(x -> loop());
        });
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    if (retryTimer >= 0 && vertx.cancelTimer(retryTimer)) {
      // Waiting out a backoff: the mail stays pending and is sent by whoever claims it next.
      stopped.tryComplete();
    }
    return stopped.future();
  }

  private void loop() {
    if (stopping) {
      stopped.tryComplete();
      return;
    }
    Future<List<Entry>> next = System.currentTimeMillis() - lastClaim >= CLAIM_EVERY_MILLIS ? claim() : read();
    next.compose(this::sendAll)
        .onComplete(ar -> {
          if (ar.failed() && !stopping) {
            LOG.warn("Outbox read failed ({}); retrying", ar.cause().getMessage());
            vertx.setTimer(1000, id -> loop());
          } else {
            loop();
          }
        });
  }

  /** Entries another consumer took and left pending for longer than {@code claimIdle}. */
  private Future<List<Entry>> claim() {
    lastClaim = System.currentTimeMillis();
    return redis.xautoclaim(List.of(STREAM, GROUP, consumer, String.valueOf(claimIdle.toMillis()), "0-0", "COUNT", "20"))
        .map(reply -> {
          List<Entry> entries = entries(reply.get(1));
          if (!entries.isEmpty()) {
            LOG.info("Took over {} pending mail(s)", entries.size());
          }
          return entries;
        });
  }

  private Future<List<Entry>> read() {
    return redis.xreadgroup(List.of("GROUP", GROUP, consumer, "COUNT", "10", "BLOCK", "1000", "STREAMS", STREAM, ">"))
        .map(reply -> {
          if (reply == null) {
            return List.of();
          }
          // RESP3 answers a map of stream to entries; RESP2 a list of [stream, entries].
          Response forStream = reply.containsKey(STREAM) ? reply.get(STREAM) : reply.get(0).get(1);
          return entries(forStream);
        });
  }

  private Future<Void> sendAll(List<Entry> entries) {
    Future<Void> chain = Future.succeededFuture();
    for (Entry entry : entries) {
      chain = chain.compose(v -> stopping ? Future.succeededFuture() : deliver(entry, 1));
    }
    return chain;
  }

  private Future<Void> deliver(Entry entry, int attempt) {
    String to = entry.field("to");
    if (to == null || to.isEmpty() || to.chars().anyMatch(c -> c < 0x20) || entry.field("subject") == null) {
      return deadLetter(entry, "malformed entry");
    }
    String sentKey = "mail:sent:" + entry.messageId();
    return redis.exists(List.of(sentKey)).compose(exists -> {
      if (exists.toInteger() > 0) {
        LOG.info("Mail {} was already sent; acknowledging the duplicate", entry.messageId());
        return acknowledge(entry);
      }
      return smtp.send(entry.messageId(), to, entry.field("subject"), entry.field("text"), entry.field("html"))
          .compose(sent -> redis.set(List.of(sentKey, "1", "EX", String.valueOf(SENT_MARKER_TTL.toSeconds()))))
          .compose(marked -> acknowledge(entry))
          .onSuccess(v -> LOG.info("Mail {} sent", entry.messageId()))
          .recover(e -> retry(entry, attempt, e));
    });
  }

  private Future<Void> retry(Entry entry, int attempt, Throwable cause) {
    if (stopping) {
      return Future.succeededFuture();
    }
    if (attempt >= MAX_ATTEMPTS) {
      return deadLetter(entry, String.valueOf(cause.getMessage()));
    }
    long backoff = Math.min(MAX_BACKOFF.toMillis(), FIRST_BACKOFF.toMillis() << Math.min(attempt - 1, 16));
    LOG.warn("Mail {} not sent (attempt {}): {}; retrying in {} ms", entry.messageId(), attempt, cause.getMessage(),
        backoff);
    Promise<Void> waited = Promise.promise();
    retryTimer = vertx.setTimer(backoff, id -> {
      retryTimer = -1;
      waited.complete();
    });
    // Claiming it again resets its idle time, so no other instance takes over a mail we still retry.
    return waited.future()
        .compose(v -> redis.xclaim(List.of(STREAM, GROUP, consumer, "0", entry.id(), "JUSTID")))
        .compose(v -> stopping ? Future.succeededFuture() : deliver(entry, attempt + 1));
  }

  private Future<Void> deadLetter(Entry entry, String reason) {
    LOG.error("Mail {} parked in {} after failing: {}", entry.messageId(), DEAD_LETTERS, reason);
    List<String> args = new ArrayList<>(List.of(DEAD_LETTERS, "*", "reason", reason));
    entry.fields().forEach((k, v) -> {
      args.add(k);
      args.add(v);
    });
    return redis.xadd(args).compose(v -> acknowledge(entry));
  }

  private Future<Void> acknowledge(Entry entry) {
    return redis.xack(List.of(STREAM, GROUP, entry.id()))
        .compose(v -> redis.xdel(List.of(STREAM, entry.id())))
        .mapEmpty();
  }

  private static List<Entry> entries(Response list) {
    List<Entry> entries = new ArrayList<>();
    if (list == null) {
      return entries;
    }
    for (Response item : list) {
      Response fields = item.get(1);
      if (fields == null) {
        continue; // deleted while pending
      }
      Map<String, String> map = new HashMap<>();
      for (int i = 0; i + 1 < fields.size(); i += 2) {
        map.put(fields.get(i).toString(), fields.get(i + 1).toString(StandardCharsets.UTF_8));
      }
      entries.add(new Entry(item.get(0).toString(), map));
    }
    return entries;
  }

  /** One outbox entry: its stream id and fields. */
  record Entry(String id, Map<String, String> fields) {
    String field(String name) {
      return fields.get(name);
    }

    String messageId() {
      String messageId = fields.get("messageId");
      return messageId == null ? id : messageId;
    }
  }
}
