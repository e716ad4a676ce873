package io.cotoami.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cotoami.common.bus.Addresses;
import io.cotoami.common.mail.OutboxMail;
import io.cotoami.common.mail.OutboxSeal;
import io.cotoami.common.runtime.ServiceInstance;
import io.cotoami.infra.RedisServer;
import io.cotoami.infra.TestConfigs;
import io.cotoami.mail.outbox.OutboxVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** mail-service against an SMTP server that refuses or stalls on some recipients: one bad mail never holds up the rest. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MailDeliveryFaultsTest {
  private static final byte[] KEY = new byte[32];
  private static RedisServer redisServer;
  private static FakeSmtp smtp;
  private static Vertx vertx;
  private static RedisAPI redis;
  private static ServiceInstance mail;

  @BeforeAll
  static void start() throws Exception {
    new java.security.SecureRandom().nextBytes(KEY);
    redisServer = RedisServer.startTemporary();
    smtp = FakeSmtp.start();
    vertx = Vertx.vertx();
    redis = RedisAPI.api(Redis.createClient(vertx, redisServer.config().url()));
    Map<String, String> env = new HashMap<>();
    env.put("REDIS_URL", redisServer.config().url());
    env.put("SMTP_HOST", "127.0.0.1");
    env.put("SMTP_PORT", String.valueOf(smtp.port()));
    env.put("SMTP_STARTTLS", "disabled");
    env.put("SMTP_SEND_TIMEOUT", "2s");
    env.put("MAIL_CONCURRENCY", "4");
    env.put("MAIL_OUTBOX_KEY", Base64.getEncoder().encodeToString(KEY));
    mail = await(MailServiceMain.start(MailServiceConfig.fromEnv(TestConfigs.of(TestConfigs.newClusterName(), env))));
  }

  @AfterAll
  static void stop() throws Exception {
    if (mail != null) {
      await(mail.shutdown());
    }
    vertx.close();
    smtp.close();
    redisServer.close();
  }

  @Test
  @DisplayName("A recipient the SMTP server refuses with 550 is dead-lettered at once, counted, and the mails queued behind it go out at once")
  void permanentRefusalDoesNotBlockTheQueue() throws Exception {
    String rejected = "reject-" + UUID.randomUUID() + "@example.com";
    String rejectedId = enqueue(rejected);
    List<String> good = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      good.add("good-" + i + "-" + UUID.randomUUID() + "@example.com");
      enqueue(good.get(i));
    }
    long start = System.nanoTime();
    eventually(() -> smtp.delivered().containsAll(good), 10);
    long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    // At once: well before the refused mail's first retries would have ended (0.5 + 1 + 2 + 4 s...),
    // with room for a loaded machine.
    assertTrue(elapsed < 7000, "the others were delivered at once, not after the refused one's retries: " + elapsed + " ms");
    eventually(() -> deadLetters().stream().anyMatch(entry -> entry.contains(rejectedId)), 5);
    String dead = deadLetters().stream().filter(entry -> entry.contains(rejectedId)).findFirst().orElseThrow();
    assertTrue(dead.contains("rejected"), dead);
    assertFalse(dead.contains(rejected), "the dead letter is still sealed: " + dead);
    assertFalse(smtp.delivered().contains(rejected));
    assertEquals(1.0, mail.meterRegistry().get("cotoami.mail.dead.lettered").tag("reason", "rejected").counter().count());
    eventually(() -> outboxLength() == 0, 5);
  }

  @Test
  @DisplayName("An SMTP server silent on one mail holds only that one until the send timeout; the others go out meanwhile, and it is retried and sent later")
  void stalledConversationIsBoundedAndRetried() throws Exception {
    String stalled = "stall-" + UUID.randomUUID() + "@example.com";
    smtp.stalling = true;
    enqueue(stalled);
    List<String> good = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      good.add("meanwhile-" + i + "-" + UUID.randomUUID() + "@example.com");
      enqueue(good.get(i));
    }
    eventually(() -> smtp.delivered().containsAll(good), 10);
    assertFalse(smtp.delivered().contains(stalled), "still stalled");
    smtp.stalling = false;
    eventually(() -> smtp.delivered().contains(stalled), 20);
    eventually(() -> outboxLength() == 0, 5);
    assertEquals(1, smtp.delivered().stream().filter(stalled::equals).count(), "sent once");
  }

  private static String enqueue(String to) throws Exception {
    String messageId = UUID.randomUUID().toString();
    List<String> args = new ArrayList<>(List.of(Addresses.MAIL_OUTBOX_STREAM, "*"));
    args.addAll(OutboxSeal.withKey(KEY).fields(new OutboxMail(messageId, "test", to, "Hi", "plain", "<p>html</p>")));
    await(redis.xadd(args));
    return messageId;
  }

  private static List<String> deadLetters() {
    try {
      List<String> entries = new ArrayList<>();
      for (Response entry : await(redis.xrange(List.of(OutboxVerticle.DEAD_LETTERS, "-", "+")))) {
        entries.add(entry.get(1).toString());
      }
      return entries;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static long outboxLength() {
    try {
      return await(redis.xlen(Addresses.MAIL_OUTBOX_STREAM)).toLong();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void eventually(BooleanSupplier condition, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + seconds + " s");
      }
      TimeUnit.MILLISECONDS.sleep(20);
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
