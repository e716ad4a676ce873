package io.cotoami.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cotoami.common.bus.Addresses;
import io.cotoami.common.mail.OutboxMail;
import io.cotoami.common.mail.OutboxSeal;
import io.cotoami.common.runtime.ServiceInstance;
import io.cotoami.infra.Eventually;
import io.cotoami.infra.ReceivedMail;
import io.cotoami.infra.RedisServer;
import io.cotoami.infra.SmtpServer;
import io.cotoami.infra.TestConfigs;
import io.cotoami.mail.outbox.OutboxVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** mail-service on real embedded Redis and SMTP (GreenMail): the outbox is sent, once, whatever stops. */
class MailOutboxTest {
  private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static RedisServer redisServer;
  private static SmtpServer smtp;
  private static Vertx vertx;
  private static RedisAPI redis;
  private static Map<String, String> env;
  private ServiceInstance mail;

  @BeforeAll
  static void startServers() {
    redisServer = RedisServer.startTemporary();
    smtp = SmtpServer.start(0);
    vertx = Vertx.vertx();
    redis = RedisAPI.api(Redis.createClient(vertx, redisServer.config().url()));
    env = new HashMap<>();
    env.put("REDIS_URL", redisServer.config().url());
    env.put("SMTP_HOST", "127.0.0.1");
    env.put("SMTP_PORT", String.valueOf(smtp.port()));
    env.put("SMTP_STARTTLS", "disabled");
    env.put("MAIL_FROM", "Cotoami <no-reply@cotoami.test>");
    env.put("MAIL_OUTBOX_KEY", java.util.Base64.getEncoder().encodeToString(KEY));
  }

  @BeforeEach
  void startService() throws Exception {
    mail = startMail();
  }

  @AfterEach
  void stopService() throws Exception {
    if (mail != null) {
      await(mail.shutdown());
    }
  }

  @AfterAll
  static void stopServers() {
    vertx.close();
    smtp.close();
    redisServer.close();
  }

  @Test
  @DisplayName("A queued mail is sent over SMTP with plain text and HTML, then leaves the outbox")
  void sendsQueuedMail() throws Exception {
    String subject = "Hello " + UUID.randomUUID();
    enqueue(UUID.randomUUID().toString(), "ann@example.com", subject);
    Eventually.holds(() -> inbox(subject).size() == 1);
    ReceivedMail received = inbox(subject).get(0);
    assertEquals(List.of("ann@example.com"), received.to());
    assertTrue(received.from().contains("no-reply@cotoami.test"));
    assertTrue(received.text().contains("plain body"));
    assertTrue(received.html().contains("<b>html body</b>"));
    Eventually.holds(() -> outboxLength() == 0);
  }

  @Test
  @DisplayName("Two outbox entries with one message id send one mail")
  void dedupesByMessageId() throws Exception {
    String subject = "Once " + UUID.randomUUID();
    String messageId = UUID.randomUUID().toString();
    enqueue(messageId, "bob@example.com", subject);
    Eventually.holds(() -> inbox(subject).size() == 1);
    enqueue(messageId, "bob@example.com", subject);
    Eventually.holds(() -> outboxLength() == 0);
    assertEquals(1, inbox(subject).size());
  }

  @Test
  @DisplayName("Mail queued while mail-service is stopped goes out when it starts again, each mail exactly once")
  void mailQueuedWhileStoppedIsSentOnStart() throws Exception {
    await(mail.shutdown());
    mail = null;
    String subject = "While stopped " + UUID.randomUUID();
    for (int i = 0; i < 3; i++) {
      enqueue(UUID.randomUUID().toString(), "carol" + i + "@example.com", subject);
    }
    mail = startMail();
    Eventually.holds(() -> inbox(subject).size() == 3);
    Eventually.holds(() -> outboxLength() == 0);
    assertEquals(3, inbox(subject).size());
  }

  @Test
  @DisplayName("While the SMTP server is down mail is retried with backoff, and sent exactly once when it returns")
  void retriesWhileSmtpIsDown() throws Exception {
    smtp.stop();
    try {
      String subject = "SMTP down " + UUID.randomUUID();
      enqueue(UUID.randomUUID().toString(), "dave@example.com", subject);
      enqueue(UUID.randomUUID().toString(), "erin@example.com", subject);
      // Taken by mail-service and not acknowledged: it is trying.
      Eventually.holds(() -> pending() >= 1);
    } finally {
      smtp.restart();
    }
    Eventually.holds(() -> outboxLength() == 0);
    assertEquals(2, smtp.inbox().size(), "the restarted server received each mail once");
  }

  @Test
  @DisplayName("While Redis is down mail-service keeps running and answers not ready; once Redis is back it is ready and sends what is queued, once")
  void outlivesRedisDown() throws Exception {
    redisServer.stop();
    try {
      // Outbox reads fail meanwhile (one a second); the service goes on answering, unready.
      Eventually.holds(() -> readiness() == 503);
      Thread.sleep(1500);
      assertEquals(503, readiness(), "still answering, still not ready, with Redis down");
    } finally {
      redisServer.restart();
    }
    Eventually.holds(() -> readiness() == 200);
    String subject = "After Redis " + UUID.randomUUID();
    enqueue(UUID.randomUUID().toString(), "frank@example.com", subject);
    Eventually.holds(() -> inbox(subject).size() == 1);
    Eventually.holds(() -> outboxLength() == 0);
    assertEquals(1, inbox(subject).size());
  }

  /** The status of {@code /health/ready} on mail-service's management port, or -1 when nothing answers. */
  private int readiness() {
    try {
      HttpResponse<Void> answer = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + mail.managementPort() + "/health/ready"))
              .timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.discarding());
      return answer.statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  private ServiceInstance startMail() throws Exception {
    return await(MailServiceMain.start(MailServiceConfig.fromEnv(TestConfigs.of(TestConfigs.newClusterName(), env))));
  }

  private static void enqueue(String messageId, String to, String subject) throws Exception {
    List<String> args = new java.util.ArrayList<>(List.of(Addresses.MAIL_OUTBOX_STREAM, "*"));
    args.addAll(OutboxSeal.withKey(KEY).fields(new OutboxMail(messageId, "test", to, subject, "plain body",
        "<p><b>html body</b></p>")));
    await(redis.xadd(args));
  }

  private static List<ReceivedMail> inbox(String subject) {
    return smtp.inbox().stream().filter(m -> subject.equals(m.subject())).toList();
  }

  private static long outboxLength() {
    try {
      return await(redis.xlen(Addresses.MAIL_OUTBOX_STREAM)).toLong();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static long pending() {
    try {
      return await(redis.xpending(List.of(Addresses.MAIL_OUTBOX_STREAM, OutboxVerticle.GROUP))).get(0).toLong();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }


  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
