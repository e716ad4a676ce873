package io.cotoami.coto.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cotoami.common.config.PgConfig;
import io.cotoami.infra.PostgresServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The search index on real PostgreSQL, with the migrations of coto-service: enough cotos for the
 * planner to choose, analyzed, then the very statement and parameters the service sends, explained.
 */
class SearchIndexTest {
  private static final int COTOS = 30_000;
  private static final UUID READER = UUID.randomUUID();
  private static PostgresServer postgres;
  private static PgConfig pg;
  private static Vertx vertx;
  private static Pool pool;
  private static final SearchRepository SEARCH = new SearchRepository();

  @BeforeAll
  static void start() throws Exception {
    postgres = PostgresServer.startTemporary();
    pg = postgres.ensureDatabase("cotoami", "cotoami", "secret");
    Flyway.configure().dataSource(pg.jdbcUrl(), pg.user(), pg.password()).schemas("coto").defaultSchema("coto")
        .locations("classpath:db/coto").load().migrate();
    try (Connection c = DriverManager.getConnection(pg.jdbcUrl() + "?currentSchema=coto", pg.user(), pg.password());
        Statement s = c.createStatement()) {
      // Mostly ordinary memos, some in Japanese; 京都 in one coto out of 301, the long phrase in one out of 3,001;
      // every other coto is the reader's, the rest strangers'.
      s.execute("INSERT INTO cotos (id, author_id, content, summary) SELECT gen_random_uuid(), "
          + "CASE WHEN i % 2 = 0 THEN '" + READER + "'::uuid ELSE gen_random_uuid() END, "
          + "(ARRAY['東京で会議', '大阪の資料を確認', 'memo about tests', '明日の予定', 'ランチ'])[1 + i % 5] || ' ' || md5(i::text) "
          + "|| CASE WHEN i % 301 = 0 THEN ' 京都' ELSE '' END "
          + "|| CASE WHEN i % 3001 = 0 THEN ' 明日京都で会議をする' ELSE '' END, "
          + "CASE WHEN i % 7 = 0 THEN 'summary ' || i ELSE NULL END "
          + "FROM generate_series(1, " + COTOS + ") AS i");
      s.execute("ANALYZE cotos");
    }
    vertx = Vertx.vertx();
    pool = PgBuilder.pool().connectingTo(new PgConnectOptions().setHost(pg.host()).setPort(pg.port())
        .setDatabase(pg.database()).setUser(pg.user()).setPassword(pg.password())
        .setProperties(Map.of("search_path", "coto"))).using(vertx).build();
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      await(vertx.close());
    }
    postgres.close();
  }

  @Test
  @DisplayName("A 2-character Japanese query is answered through the n-gram index, not a scan, and finds exactly the cotos holding it")
  void twoCharactersUseTheIndex() throws Exception {
    // The long phrase holds 京都 too.
    assertIndexed("京都", readersEvery(301, 3001));
  }

  @Test
  @DisplayName("A 2-character word in one coto out of five may be read from the table (a fifth of it), but its n-grams are read, never computed")
  void commonWordComputesNothing() throws Exception {
    assertFound("会議", Math.min(100, readersEvery(5)));
  }

  @Test
  @DisplayName("A 10-character query is answered through the n-gram index and finds exactly the cotos holding it")
  void tenCharactersUseTheIndex() throws Exception {
    assertIndexed("明日京都で会議をする", readersEvery(3001));
  }

  @Test
  @DisplayName("A query is split on whitespace (full-width too) into terms, normalized as cotos are: each term must be in the coto")
  void termsAreNormalized() throws Exception {
    SearchRepository.Terms terms = await(pool.withConnection(conn -> SEARCH.terms(conn, "ＭＥＭＯ\u3000京都  会")));
    assertEquals(List.of("memo", "京都", "会").stream().sorted().toList(), terms.terms().stream().sorted().toList());
    assertEquals(List.of("em", "me", "mo", "京都", "会").stream().sorted().toList(),
        terms.grams().stream().sorted().toList());
    assertTrue(await(pool.withConnection(conn -> SEARCH.terms(conn, " \u3000 "))).isEmpty());
  }

  @Test
  @DisplayName("A coto is indexed by its characters and pairs of characters, after NFKC and lower case, none across whitespace, its summary too")
  void cotoGrams() throws Exception {
    List<String> grams = await(pool.withConnection(conn -> conn.query("SELECT search_grams('京都 Ａb', 'ｶ') AS g")
        .execute().map(rows -> List.of(rows.iterator().next().getArrayOfStrings("g")))));
    assertEquals(List.of("a", "ab", "b", "カ", "京", "京都", "都"), grams.stream().sorted().toList());
  }

  /** How many of the reader's cotos (the even ones) are a multiple of one of {@code ns}. */
  private static int readersEvery(int... ns) {
    int count = 0;
    for (int i = 2; i <= COTOS; i += 2) {
      int seq = i;
      count += java.util.Arrays.stream(ns).anyMatch(n -> seq % n == 0) ? 1 : 0;
    }
    return count;
  }

  /** The plan of the statement the service sends for {@code query}, with the parameters it sends. */
  private static String plan(String query) throws Exception {
    SearchRepository.Terms terms = await(pool.withConnection(conn -> SEARCH.terms(conn, query)));
    var params = SearchRepository.params(terms, READER, List.of(), null, null, 100);
    return await(pool.withConnection(conn -> conn.preparedQuery("EXPLAIN (FORMAT JSON) " + SearchRepository.SEARCH)
        .execute(params).map(rows -> rows.iterator().next().getValue(0).toString())));
  }

  private static void assertIndexed(String query, int expected) throws Exception {
    String plan = plan(query);
    assertTrue(plan.replace(" ", "").contains("\"IndexName\":\"cotos_grams_idx\""), plan);
    assertFalse(plan.contains("Seq Scan"), plan);
    assertFound(query, expected);
  }

  private static void assertFound(String query, int expected) throws Exception {
    String plan = plan(query);
    SearchRepository.Terms terms = await(pool.withConnection(conn -> SEARCH.terms(conn, query)));
    assertFalse(plan.contains("search_ngrams"), "n-grams are read, never computed, by a search: " + plan);
    List<Coto> found = await(pool.withConnection(conn -> SEARCH.search(conn, terms, READER, List.of(), null, null, 100)));
    assertEquals(expected, found.size());
    found.forEach(coto -> assertTrue(coto.content().contains(query) && coto.authorId().equals(READER), coto.content()));
    for (int i = 1; i < found.size(); i++) {
      assertTrue(found.get(i - 1).seq() > found.get(i).seq(), "newest first");
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
