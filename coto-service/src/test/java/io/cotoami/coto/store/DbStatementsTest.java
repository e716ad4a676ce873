package io.cotoami.coto.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cotoami.common.config.PgConfig;
import io.cotoami.common.http.ProblemException;
import io.cotoami.common.store.PostgresStore;
import io.cotoami.infra.PostgresServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What the post path's round trips rest on (issue 17, goal 1), on the pool every service uses with one
 * connection, so that what one call leaves on its connection is seen by the next: statements are prepared
 * once per connection, commits are durable without a statement per transaction, the commit deadline is
 * still set in every transaction, and a PostgreSQL restart (which drops every cached statement with its
 * connection) does not break posting.
 */
class DbStatementsTest {
  private static final CotoRepository COTOS = new CotoRepository();
  private static PostgresServer postgres;
  private static PgConfig pg;
  private static Vertx vertx;
  private static Pool pool;
  private static Db db;

  @BeforeAll
  static void start() {
    postgres = PostgresServer.startTemporary();
    PgConfig created = postgres.ensureDatabase("cotoami", "cotoami", "secret");
    pg = new PgConfig(created.host(), created.port(), created.database(), created.user(), created.password(), 1);
    Flyway.configure().dataSource(pg.jdbcUrl(), pg.user(), pg.password()).schemas("coto").defaultSchema("coto")
        .locations("classpath:db/coto").load().migrate();
    vertx = Vertx.vertx();
    pool = PostgresStore.pool(vertx, pg, "coto", "coto-service");
    db = new Db(pool, pg);
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      await(vertx.close());
    }
    postgres.close();
  }

  @Test
  @DisplayName("A post's statements are prepared once per connection and reused: the connection keeps them")
  void statementsAreCached() throws Exception {
    post("first");
    post("second");
    List<String> prepared = prepared();
    assertTrue(prepared.stream().anyMatch(s -> s.startsWith("INSERT INTO cotos")),
        "the insert stays prepared on the connection: " + prepared);
  }

  @Test
  @DisplayName("Every connection commits durably though the server's default is off, and each transaction still carries its commit deadline")
  void durableWithItsDeadline() throws Exception {
    try (Connection jdbc = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
         Statement s = jdbc.createStatement(); ResultSet rs = s.executeQuery("SHOW synchronous_commit")) {
      rs.next();
      assertEquals("off", rs.getString(1), "precondition: the embedded server's default is not durable");
    }
    assertEquals("on", await(pool.query("SHOW synchronous_commit").execute()).iterator().next().getString(0),
        "the pool's connections are durable from the start, so no transaction needs a statement for it");
    Row inTx = await(db.tx(conn -> conn.query("SELECT current_setting('synchronous_commit') AS durable, "
        + "current_setting('cotoami.deadline', true) AS deadline, "
        + "floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint AS now").execute()
        .map(rows -> rows.iterator().next())));
    assertEquals("on", inTx.getString("durable"));
    long left = Long.parseLong(inTx.getString("deadline")) - inTx.getLong("now");
    assertTrue(left > 0 && left <= pg.callTimeout().toMillis() - Db.SERVER_MARGIN.toMillis(),
        "the commit deadline is set before the work's statements run: " + left + " ms left");
    assertEquals("", await(pool.query("SELECT current_setting('cotoami.deadline', true) AS d").execute())
        .iterator().next().getString(0), "the deadline was the transaction's only (SET LOCAL), not the connection's");
  }

  @Test
  @DisplayName("After PostgreSQL restarts, posting works again (503 meanwhile, nothing else), and statements are cached again")
  void restartDropsTheCache() throws Exception {
    post("before the restart");
    assertTrue(prepared().stream().anyMatch(s -> s.startsWith("INSERT INTO cotos")));
    postgres.restart();
    List<String> failures = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        post("after the restart");
        break;
      } catch (ExecutionException e) {
        assertTrue(e.getCause() instanceof ProblemException problem && problem.problem().status() == 503,
            "only 503 while the connection is replaced: " + e.getCause());
        failures.add(e.getCause().getMessage());
        assertTrue(System.nanoTime() < deadline, "posting never worked again: " + failures);
        TimeUnit.MILLISECONDS.sleep(100);
      }
    }
    post("and again");
    assertTrue(prepared().stream().anyMatch(s -> s.startsWith("INSERT INTO cotos")), "cached on the new connection");
  }

  private static void post(String content) throws Exception {
    UUID author = UUID.randomUUID();
    assertEquals(content, await(db.tx(conn -> COTOS.insert(conn, author, content, null, null, null, null))).content());
  }

  private static List<String> prepared() throws Exception {
    List<String> statements = new ArrayList<>();
    await(pool.query("SELECT statement FROM pg_prepared_statements").execute())
        .forEach(row -> statements.add(row.getString(0)));
    return statements;
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
