package io.cotoami.mail.outbox;

import io.cotoami.common.bus.Addresses;
import io.cotoami.common.mail.OutboxMail;
import io.cotoami.common.mail.OutboxSeal;
import io.cotoami.mail.smtp.SmtpSender;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.ext.mail.SMTPException;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the mail queued in the Redis stream {@link Addresses#MAIL_OUTBOX_STREAM}. Every
 * mail-service instance is a consumer of the group {@code mailers}: {@code XREADGROUP} hands each
 * entry to one of them; it is acknowledged ({@code XACK}, then deleted) only after the SMTP server
 * accepted it, so a mail is never lost. Up to {@code concurrency} mails are sent at once, each on
 * its own: a failed send waits out its own backoff (the others go on), a permanent refusal (5xx)
 * dead-letters that mail at once. Entries left pending by an instance that stopped are taken over
 * with {@code XAUTOCLAIM} once idle for {@code claimIdle}. A {@code mail:sent:<messageId>} marker
 * (kept 7 days) makes a mail seen twice go out once.
 */
public final class OutboxVerticle extends VerticleBase {
  public static final String GROUP = "mailers";
  static final String STREAM = Addresses.MAIL_OUTBOX_STREAM;
  public static final String DEAD_LETTERS = "mail:dead";
  /** Dead letters kept: at most this many, none older than {@link #DEAD_LETTER_RETENTION}. */
  static final int DEAD_LETTER_MAX = 1000;
  static final Duration DEAD_LETTER_RETENTION = Duration.ofDays(7);
  private static final Logger LOG = LoggerFactory.getLogger(OutboxVerticle.class);
  private static final Duration SENT_MARKER_TTL = Duration.ofDays(7);
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
  /** About 25 minutes of retries at the longest backoff; then the mail is parked in {@code mail:dead}. */
  private static final int MAX_ATTEMPTS = 50;
  private static final long CLAIM_EVERY_MILLIS = 15_000;

  private final RedisAPI redis;
  private final SmtpSender smtp;
  private final OutboxSeal seal;
  private final String consumer;
  private final Duration claimIdle;
  private final int concurrency;
  private final MeterRegistry metrics;
  private final Counter sent;
  private final Counter retried;
  /** Stream ids of the entries this instance holds: being sent, waiting out a backoff, or waiting for a slot. */
  private final Set<String> holding = new HashSet<>();
  /** Backoff timers by stream id. */
  private final Map<String, Long> backoffs = new HashMap<>();
  /** Retries whose backoff is over, waiting for a free slot. */
  private final ArrayDeque<Runnable> ready = new ArrayDeque<>();
  private int sending;
  private boolean reading;
  private boolean waitingForSlot;
  private boolean stopping;
  private long lastClaim;
  private Promise<Void> stopped;

  public OutboxVerticle(RedisAPI redis, SmtpSender smtp, OutboxSeal seal, String consumer, Duration claimIdle,
                        int concurrency, MeterRegistry metrics) {
    this.redis = redis;
    this.smtp = smtp;
    this.seal = seal;
    this.consumer = consumer;
    this.claimIdle = claimIdle;
    this.concurrency = concurrency;
    this.metrics = metrics;
    this.sent = Counter.builder("cotoami.mail.sent").description("Mails the SMTP server accepted").register(metrics);
    this.retried = Counter.builder("cotoami.mail.retried").description("Failed sends to be tried again")
        .register(metrics);
  }

  @Override
  public Future<?> start() {
    stopped = Promise.promise();
    // From 0: mail queued before any mail-service ever ran is sent too.
    return redis.xgroup(List.of("CREATE", STREAM, GROUP, "0", "MKSTREAM"))
        .recover(e -> String.valueOf(e.getMessage()).contains("BUSYGROUP")
            ? Future.succeededFuture() : Future.failedFuture(e))
        // Dead letters older than the retention go at start too, not only when a new one arrives.
        .compose(v -> trimDeadLetters())
        .onSuccess(v -> {
          LOG.info("Sending mail from {} as consumer {} of group {}, {} at once", STREAM, consumer, GROUP, concurrency);
          vertx.runOnContext(x -> loop());
        });
  }

  /** Stops reading, drops the backoffs (those mails stay pending, for whoever claims them) and waits for sends in progress. */
  @Override
  public Future<?> stop() {
    stopping = true;
    backoffs.values().forEach(vertx::cancelTimer);
    backoffs.clear();
    ready.clear();
    completeIfStopped();
    return stopped.future();
  }

  private void loop() {
    if (stopping) {
      completeIfStopped();
      return;
    }
    int free = concurrency - sending;
    if (free <= 0) {
      waitingForSlot = true;
      return;
    }
    reading = true;
    Future<List<OutboxEntry>> next = System.currentTimeMillis() - lastClaim >= CLAIM_EVERY_MILLIS ? claim(free) : read(free);
    next.onComplete(ar -> {
      reading = false;
      if (ar.succeeded()) {
        ar.result().stream().filter(entry -> !stopping && holding.add(entry.id())).forEach(entry -> send(entry, 1));
        loop();
      } else if (!stopping) {
        LOG.warn("Outbox read failed ({}); retrying", ar.cause().getMessage());
        vertx.setTimer(1000, id -> loop());
      } else {
        completeIfStopped();
      }
    });
  }

  private void completeIfStopped() {
    if (stopping && !reading && sending == 0) {
      stopped.tryComplete();
    }
  }

  /** Entries another consumer took and left pending for longer than {@code claimIdle}. */
  private Future<List<OutboxEntry>> claim(int count) {
    lastClaim = System.currentTimeMillis();
    return redis.xautoclaim(List.of(STREAM, GROUP, consumer, String.valueOf(claimIdle.toMillis()), "0-0", "COUNT",
            String.valueOf(count)))
        .map(reply -> {
          List<OutboxEntry> entries = OutboxEntry.list(reply.get(1));
          entries.removeIf(entry -> holding.contains(entry.id()));
          if (!entries.isEmpty()) {
            LOG.info("Took over {} pending mail(s)", entries.size());
          }
          return entries;
        });
  }

  private Future<List<OutboxEntry>> read(int count) {
    return redis.xreadgroup(List.of("GROUP", GROUP, consumer, "COUNT", String.valueOf(count), "BLOCK", "1000",
            "STREAMS", STREAM, ">"))
        .map(reply -> {
          if (reply == null) {
            return List.of();
          }
          // RESP3 answers a map of stream to entries; RESP2 a list of [stream, entries].
          Response forStream = reply.containsKey(STREAM) ? reply.get(STREAM) : reply.get(0).get(1);
          return OutboxEntry.list(forStream);
        });
  }

  /** One attempt in a slot; when it ends the slot goes to a retry that is due, else to reading more. */
  private void send(OutboxEntry entry, int attempt) {
    sending++;
    deliver(entry, attempt).onComplete(ar -> {
      sending--;
      if (ar.failed()) {
        LOG.warn("Mail {} left pending: {}", entry.messageId(), ar.cause().toString());
      }
      if (ar.failed() || ar.result()) {
        holding.remove(entry.id());
      }
      Runnable retry = stopping ? null : ready.poll();
      if (retry != null) {
        retry.run();
      } else if (waitingForSlot) {
        waitingForSlot = false;
        loop();
      }
      completeIfStopped();
    });
  }

  /** Answers true when the mail is done with (sent, a duplicate, or dead-lettered), false when a retry is scheduled. */
  private Future<Boolean> deliver(OutboxEntry entry, int attempt) {
    OutboxMail mail;
    try {
      mail = entry.fields().containsKey(OutboxSeal.SEALED) ? seal.open(entry.messageId(), entry.fields())
          : entry.legacyMail();
    } catch (OutboxSeal.Unreadable e) {
      return deadLetter(entry, "unreadable", e.getMessage());
    }
    String to = mail.to();
    if (to == null || to.isEmpty() || to.chars().anyMatch(c -> c < 0x20) || mail.subject() == null) {
      return deadLetter(entry, "malformed", "no valid recipient or subject");
    }
    String sentKey = "mail:sent:" + entry.messageId();
    return redis.exists(List.of(sentKey)).compose(exists -> {
      if (exists.toInteger() > 0) {
        LOG.info("Mail {} was already sent; acknowledging the duplicate", entry.messageId());
        return acknowledge(entry).map(true);
      }
      return smtp.send(entry.messageId(), to, mail.subject(), mail.text(), mail.html())
          .compose(v -> redis.set(List.of(sentKey, "1", "EX", String.valueOf(SENT_MARKER_TTL.toSeconds()))))
          .compose(marked -> acknowledge(entry))
          .map(v -> {
            sent.increment();
            LOG.info("Mail {} sent", entry.messageId());
            return true;
          })
          .recover(e -> failed(entry, attempt, e));
    });
  }

  private Future<Boolean> failed(OutboxEntry entry, int attempt, Throwable cause) {
    if (cause instanceof SMTPException smtpFailure && smtpFailure.isPermanent()) {
      return deadLetter(entry, "rejected", "the SMTP server refused it permanently (" + smtpFailure.getReplyCode() + ")");
    }
    if (attempt >= MAX_ATTEMPTS) {
      return deadLetter(entry, "attempts", "not sent after " + attempt + " attempts: " + cause.getMessage());
    }
    if (stopping) {
      return Future.succeededFuture(true);
    }
    long backoff = Math.min(MAX_BACKOFF.toMillis(), FIRST_BACKOFF.toMillis() << Math.min(attempt - 1, 16));
    LOG.warn("Mail {} not sent (attempt {}): {}; retrying in {} ms", entry.messageId(), attempt, cause.getMessage(),
        backoff);
    retried.increment();
    backoffs.put(entry.id(), vertx.setTimer(backoff, id -> {
      backoffs.remove(entry.id());
      // Claiming it again resets its idle time, so no other instance takes over a mail we still retry.
      redis.xclaim(List.of(STREAM, GROUP, consumer, "0", entry.id(), "JUSTID"))
          .onComplete(claimed -> {
            if (stopping) {
              return;
            }
            if (sending < concurrency) {
              send(entry, attempt + 1);
            } else {
              ready.add(() -> send(entry, attempt + 1));
            }
          });
    }));
    return Future.succeededFuture(false);
  }

  /** Parks the mail, still sealed, in the bounded {@code mail:dead} stream, counts it, and acknowledges it. */
  private Future<Boolean> deadLetter(OutboxEntry entry, String kind, String reason) {
    LOG.error("Mail {} dead-lettered in {} ({}): {}", entry.messageId(), DEAD_LETTERS, kind, reason);
    Counter.builder("cotoami.mail.dead.lettered").description("Mails given up on, by why").tag("reason", kind)
        .register(metrics).increment();
    List<String> args = new ArrayList<>(List.of(DEAD_LETTERS, "MAXLEN", "~", String.valueOf(DEAD_LETTER_MAX), "*",
        "reason", kind + ": " + reason));
    entry.fields().forEach((k, v) -> {
      args.add(k);
      args.add(v);
    });
    return redis.xadd(args)
        .compose(v -> trimDeadLetters())
        .compose(v -> acknowledge(entry))
        .map(true);
  }

  private Future<Void> trimDeadLetters() {
    String oldest = (System.currentTimeMillis() - DEAD_LETTER_RETENTION.toMillis()) + "-0";
    return redis.xtrim(List.of(DEAD_LETTERS, "MINID", "~", oldest)).mapEmpty();
  }

  private Future<Void> acknowledge(OutboxEntry entry) {
    return redis.xack(List.of(STREAM, GROUP, entry.id()))
        .compose(v -> redis.xdel(List.of(STREAM, entry.id())))
        .mapEmpty();
  }
}
