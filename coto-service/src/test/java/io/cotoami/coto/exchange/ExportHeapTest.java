package io.cotoami.coto.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.cotoami.coto.CotoServiceHarness;
import io.cotoami.common.config.PgConfig;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.codec.BodyCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The export is streamed: 100,000 cotos (about 20 MB of JSON) go out of a JVM whose whole heap is
 * smaller than the document (this class runs alone in the {@code bounded-heap} execution of
 * coto-service's pom, with {@code -Xmx64m}). The client writes the document to a file and reads it
 * back with a streaming parser, so the test holds none of it either.
 */
@Timeout(600)
class ExportHeapTest {
  private static final int COTOS = 100_000;
  private static final long HEAP_BOUND = 80L * 1024 * 1024;
  private static CotoServiceHarness harness;

  @BeforeAll
  static void start() throws Exception {
    harness = CotoServiceHarness.start(Map.of());
  }

  @AfterAll
  static void stop() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  @DisplayName("100,000 cotos export as one whole document from a heap smaller than the document")
  void hundredThousandCotosInABoundedHeap() throws Exception {
    long heap = Runtime.getRuntime().maxMemory();
    assertTrue(heap <= HEAP_BOUND, "this test means something only with a bounded heap (-Xmx64m), not " + heap);
    UUID me = UUID.randomUUID();
    PgConfig pg = harness.pg();
    try (Connection c = DriverManager.getConnection(pg.jdbcUrl() + "?currentSchema=coto", pg.user(), pg.password());
        Statement s = c.createStatement()) {
      s.execute("INSERT INTO cotos (id, author_id, content, summary) SELECT gen_random_uuid(), '" + me + "', "
          + "'coto ' || i || ' ' || md5(i::text), CASE WHEN i % 3 = 0 THEN 'summary ' || i END "
          + "FROM generate_series(1, " + COTOS + ") AS i");
      // A connection out of every tenth coto to the next one, so that section streams too.
      s.execute("INSERT INTO connections (id, source_id, target_id, author_id, position) "
          + "SELECT gen_random_uuid(), id, lead(id) OVER (ORDER BY seq), author_id, 0 FROM cotos "
          + "WHERE author_id = '" + me + "' ORDER BY seq LIMIT " + (COTOS / 10));
    }
    String token = harness.keys().token(harness.clientVertx(), me.toString(), "heap@example.com", "heap");
    Path file = Files.createTempFile("cotoami-export", ".json");
    try {
      AsyncFile out = harness.calls().await(() -> harness.clientVertx().fileSystem()
          .open(file.toString(), new OpenOptions().setWrite(true).setTruncateExisting(true)));
      HttpResponse<Void> answer = harness.calls().await(() -> harness.client().get("/api/export")
          .putHeader("Authorization", "Bearer " + token).as(BodyCodec.pipe(out)).send());
      assertEquals(200, answer.statusCode());
      long size = Files.size(file);
      assertTrue(size > heap / 3, "the document (" + size + " bytes) is large against the heap (" + heap + ")");

      Set<String> ids = new HashSet<>();
      int connections = 0;
      try (JsonParser parser = new JsonFactory().createParser(file.toFile())) {
        String section = null;
        int depth = 0;
        for (JsonToken token1 = parser.nextToken(); token1 != null; token1 = parser.nextToken()) {
          if (token1 == JsonToken.START_OBJECT || token1 == JsonToken.START_ARRAY) {
            depth++;
          } else if (token1 == JsonToken.END_OBJECT || token1 == JsonToken.END_ARRAY) {
            depth--;
          } else if (token1 == JsonToken.FIELD_NAME && depth == 1) {
            section = parser.currentName();
          } else if (token1 == JsonToken.FIELD_NAME && depth == 3 && "id".equals(parser.currentName())) {
            parser.nextToken();
            if ("cotos".equals(section)) {
              ids.add(parser.getText());
            } else if ("connections".equals(section)) {
              connections++;
            }
          }
        }
        assertEquals(0, depth, "the document is whole");
      }
      assertEquals(COTOS, ids.size(), "every coto, once");
      assertEquals(COTOS / 10, connections);
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
