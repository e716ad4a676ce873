package io.cotoami.coto.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cotoami.common.config.PgConfig;
import io.cotoami.coto.CotoServiceHarness;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Each export holds a PostgreSQL connection while its client reads, so an instance streams at
 * most {@code EXPORTS_AT_ONCE} of them: here 1, held by a client that asks and then stops reading.
 */
@Timeout(180)
class ExportAdmissionTest {
  /** About 10 MB of document: far more than the sockets' buffers hold, so the stalled export stays open. */
  private static final int COTOS = 40_000;
  private static CotoServiceHarness harness;

  @BeforeAll
  static void start() throws Exception {
    harness = CotoServiceHarness.start(Map.of("EXPORTS_AT_ONCE", "1"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  @DisplayName("While a client that stopped reading holds the only export, another export is 429 too-many-exports with Retry-After; once it hangs up, exports go through again")
  void aStalledReaderHoldsItsSlotAndGivesItBack() throws Exception {
    UUID me = UUID.randomUUID();
    PgConfig pg = harness.pg();
    try (Connection c = DriverManager.getConnection(pg.jdbcUrl() + "?currentSchema=coto", pg.user(), pg.password());
        Statement s = c.createStatement()) {
      s.execute("INSERT INTO cotos (id, author_id, content) SELECT gen_random_uuid(), '" + me + "', "
          + "'coto ' || i || ' ' || repeat(md5(i::text), 5) FROM generate_series(1, " + COTOS + ") AS i");
    }
    String token = harness.keys().token(harness.clientVertx(), me.toString(), "slow@example.com", "slow");

    try (Socket stalled = new Socket()) {
      stalled.setReceiveBufferSize(4096);
      stalled.connect(new InetSocketAddress("127.0.0.1", harness.service().httpPort()), 5000);
      stalled.getOutputStream().write(("GET /api/export HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
          + token + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      stalled.getOutputStream().flush();
      // Its status line: the export has started (and holds the slot); then this client reads no more.
      assertEquals("HTTP/1.1 200", readAscii(stalled.getInputStream(), 12));

      HttpResponse<Buffer> refused = export(token);
      assertEquals(429, refused.statusCode(), () -> start(refused));
      assertEquals("30", refused.getHeader("Retry-After"));
      assertEquals("urn:cotoami:problem:too-many-exports", refused.bodyAsJsonObject().getString("type"));
    }

    // Hung up: the stalled export fails on its closed connection and gives its slot back.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    HttpResponse<Buffer> again = export(token);
    while (again.statusCode() == 429 && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(200);
      again = export(token);
    }
    HttpResponse<Buffer> last = again;
    assertEquals(200, last.statusCode(), () -> start(last));
    assertTrue(last.body().length() > COTOS * 100, "the whole document: " + last.body().length() + " bytes");
  }

  private static HttpResponse<Buffer> export(String token) throws Exception {
    return harness.calls().await(() -> harness.client().get("/api/export")
        .putHeader("Authorization", "Bearer " + token).send());
  }

  /** The start of an answer's body: a whole export would drown the failure message. */
  private static String start(HttpResponse<Buffer> answer) {
    String body = answer.bodyAsString();
    return body == null ? "(no body)" : body.substring(0, Math.min(300, body.length()));
  }

  private static String readAscii(InputStream in, int length) throws Exception {
    byte[] bytes = in.readNBytes(length);
    return new String(bytes, StandardCharsets.US_ASCII);
  }
}
