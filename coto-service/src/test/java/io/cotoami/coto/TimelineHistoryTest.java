package io.cotoami.coto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cotoami.common.bus.Addresses;
import io.cotoami.common.config.PgConfig;
import io.cotoami.common.runtime.ServiceInstance;
import io.cotoami.infra.OnContext;
import io.cotoami.infra.PostgresServer;
import io.cotoami.infra.RedisServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The replayable history of a timeline is bounded, and a client beyond it is told to resync. */
class TimelineHistoryTest {
  private static final int KEEP = 5;
  private static CotoServiceHarness harness;
  private static PostgresServer postgres;
  private static RedisServer redis;
  private static PgConfig pg;
  private static ServiceInstance service;
  private static Vertx clientVertx;
  /** Where every request of the clients here starts (OnContext says why). */
  private static OnContext calls;
  private static WebClient client;

  @BeforeAll
  static void start() throws Exception {
    harness = CotoServiceHarness.start(Map.of("TIMELINE_REPLAY_LIMIT", String.valueOf(KEEP),
        "TIMELINE_TRIM_INTERVAL", "200ms"));
    postgres = harness.postgres();
    redis = harness.redis();
    pg = harness.pg();
    service = harness.service();
    clientVertx = harness.clientVertx();
    calls = harness.calls();
    client = harness.client();
  }

  @AfterAll
  static void stop() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
  }

  private static JsonObject open(String userId, String email, long after) throws Exception {
    return await(service.vertx().eventBus().<JsonObject>request(Addresses.TIMELINES_OPEN, new JsonObject()
        .put("timeline", "home").put("userId", userId).put("email", email).put("after", after))).body();
  }

  private static long stored(String userId) throws Exception {
    try (Connection conn = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
         PreparedStatement query = conn.prepareStatement(
             "SELECT count(*), min(event_id) FROM coto.timeline_events WHERE timeline = ?")) {
      query.setString(1, "home:" + userId);
      try (ResultSet rows = query.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  @Test
  @DisplayName("Only the latest TIMELINE_REPLAY_LIMIT events of a timeline are kept; a client behind them, or ahead of them, is told to resync; one within them gets exactly what it missed")
  void boundedHistory() throws Exception {
    String userId = UUID.randomUUID().toString();
    String email = "h-" + userId.substring(0, 8) + "@example.com";
    String token = harness.keys().token(clientVertx, userId, email, "h");
    for (int i = 1; i <= 12; i++) {
      Buffer body = Buffer.buffer(new JsonObject().put("content", "coto " + i).encode());
      assertEquals(201, calls.await(() -> client.post("/api/cotos").putHeader("Content-Type", "application/json")
          .putHeader("Authorization", "Bearer " + token).sendBuffer(body)).statusCode());
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (stored(userId) > KEEP && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(100);
    }
    assertEquals(KEEP, stored(userId), "events 8 to 12 are kept, older ones trimmed");

    JsonObject within = open(userId, email, 7);
    assertFalse(within.getBoolean("resync"));
    JsonArray events = within.getJsonArray("events");
    assertEquals(5, events.size());
    for (int i = 0; i < 5; i++) {
      assertEquals(8 + i, events.getJsonObject(i).getLong("eventId"));
      assertEquals("coto " + (8 + i), events.getJsonObject(i).getJsonObject("coto").getString("content"));
    }
    assertTrue(open(userId, email, 6).getBoolean("resync"), "event 7 is gone: replaying from 8 would leave a gap");
    assertTrue(open(userId, email, 0).getBoolean("resync"), "more missed than the limit");
    assertTrue(open(userId, email, 99).getBoolean("resync"), "an id this timeline never had");
    JsonObject fresh = await(service.vertx().eventBus().<JsonObject>request(Addresses.TIMELINES_OPEN, new JsonObject()
        .put("timeline", "home").put("userId", userId).put("email", email))).body();
    assertEquals(12, fresh.getLong("lastEventId"), "a fresh subscriber's live events start after the latest id");
    JsonObject current = open(userId, email, 12);
    assertFalse(current.getBoolean("resync"));
    assertTrue(current.getJsonArray("events").isEmpty(), "nothing missed");
  }
}
