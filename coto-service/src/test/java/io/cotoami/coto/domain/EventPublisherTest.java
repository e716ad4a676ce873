package io.cotoami.coto.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cotoami.common.bus.TimelineEventType;
import io.cotoami.common.config.PgConfig;
import io.cotoami.coto.store.Db;
import io.cotoami.coto.store.TimelineEventRepository;
import io.cotoami.infra.PostgresServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The one commit-then-publish step every signed-in write goes through, on real PostgreSQL. */
class EventPublisherTest {
  private static PostgresServer postgres;
  private static PgConfig pg;
  private static Vertx vertx;
  private static Db db;
  private static EventPublisher publisher;
  private static final TimelineEventRepository EVENTS = new TimelineEventRepository();
  /** Each published event, with whether its row was visible to another connection when it arrived. */
  private static final LinkedBlockingQueue<Map.Entry<JsonObject, Boolean>> RECEIVED = new LinkedBlockingQueue<>();

  @BeforeAll
  static void start() throws Exception {
    postgres = PostgresServer.startTemporary();
    pg = postgres.ensureDatabase("cotoami", "cotoami", "secret");
    Flyway.configure().dataSource(pg.jdbcUrl(), pg.user(), pg.password()).schemas("coto").defaultSchema("coto")
        .locations("classpath:db/coto").load().migrate();
    vertx = Vertx.vertx();
    Pool pool = PgBuilder.pool().connectingTo(new PgConnectOptions().setHost(pg.host()).setPort(pg.port())
        .setDatabase(pg.database()).setUser(pg.user()).setPassword(pg.password())
        .setProperties(Map.of("search_path", "coto"))).using(vertx).build();
    db = new Db(pool, pg);
    publisher = new EventPublisher(vertx, Duration.ofSeconds(5));
    await(vertx.eventBus().<JsonObject>consumer(TimelineEventType.COTO_POSTED.address(), m ->
        vertx.executeBlocking(() -> committed(m.body())).onSuccess(seen -> RECEIVED.add(Map.entry(m.body(), seen))))
        .completion());
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      await(vertx.close());
    }
    postgres.close();
  }

  @Test
  @DisplayName("A write's events are published once per timeline, each only after its transaction committed")
  void publishedAfterCommit() throws Exception {
    JsonObject payload = new JsonObject().put("coto", new JsonObject().put("content", "kept"));
    String value = await(publisher.commit(db, conn -> EVENTS.append(conn, TimelineEventType.COTO_POSTED, payload,
        List.of("home:a1", "cotonoma:k1"))
        // The transaction stays open a while after its events are written: one published early would be seen uncommitted.
        .compose(written -> vertx.timer(300).map(t -> new Change<>("done", written))), "req-1"));
    assertEquals("done", value);
    for (String timeline : List.of("cotonoma:k1", "home:a1")) {
      Map.Entry<JsonObject, Boolean> got = RECEIVED.poll(10, TimeUnit.SECONDS);
      assertEquals(timeline, got.getKey().getString("timeline"));
      assertEquals("kept", got.getKey().getJsonObject("coto").getString("content"));
      assertTrue(got.getValue(), "the event's row was committed when it was published: " + got.getKey());
    }
  }

  @Test
  @DisplayName("A write that fails after appending its events is rolled back and publishes none of them")
  void rolledBackPublishesNothing() throws Exception {
    ExecutionException failed = assertThrows(ExecutionException.class, () -> await(publisher.commit(db,
        conn -> EVENTS.append(conn, TimelineEventType.COTO_POSTED, new JsonObject().put("coto", new JsonObject()
            .put("content", "rolled back")), List.of("home:b1"))
            .compose(written -> Future.<Change<String>>failedFuture(new IllegalStateException("refused"))), "req-2")));
    assertEquals("refused", failed.getCause().getMessage());
    // The bus keeps a sender's order: once a later write's event is here, the failed one would have been too.
    await(publisher.commit(db, conn -> EVENTS.append(conn, TimelineEventType.COTO_POSTED,
        new JsonObject().put("coto", new JsonObject().put("content", "after")), List.of("home:b2"))
        .map(written -> new Change<>("ok", written)), "req-3"));
    Map.Entry<JsonObject, Boolean> got = RECEIVED.poll(10, TimeUnit.SECONDS);
    assertEquals("after", got.getKey().getJsonObject("coto").getString("content"), "nothing of the failed write");
    assertEquals(0, rows("home:b1"), "the failed write's event was rolled back");
  }

  /** Whether the event's row is visible to a connection of its own, as to any other reader. */
  private static boolean committed(JsonObject event) throws Exception {
    try (Connection conn = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
        PreparedStatement query = conn.prepareStatement(
            "SELECT 1 FROM coto.timeline_events WHERE timeline = ? AND event_id = ?")) {
      query.setString(1, event.getString("timeline"));
      query.setLong(2, event.getLong("eventId"));
      try (ResultSet rows = query.executeQuery()) {
        return rows.next();
      }
    }
  }

  private static int rows(String timeline) throws Exception {
    try (Connection conn = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
        PreparedStatement query = conn.prepareStatement("SELECT count(*) FROM coto.timeline_events WHERE timeline = ?")) {
      query.setString(1, timeline);
      try (ResultSet rows = query.executeQuery()) {
        rows.next();
        return rows.getInt(1);
      }
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
