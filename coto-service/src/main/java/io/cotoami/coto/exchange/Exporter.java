package io.cotoami.coto.exchange;

import io.cotoami.common.bus.TimelineNames;
import io.cotoami.common.http.Timestamps;
import io.cotoami.coto.store.Db;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowStream;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Function;

/**
 * Writes a person's whole account as one {@link ExchangeFormat} document, streamed: each section is a
 * cursor read a few hundred rows at a time, and the cursor waits while the client's connection is
 * full, so what is held in memory does not grow with the account. Everything is read from one
 * snapshot (REPEATABLE READ), so the document is consistent even while the person keeps writing.
 *
 * <p>What is exported is what the person made: their cotos; the cotonomas they own, with their members'
 * emails; their reposts of their own cotos into their own cotonomas; the pins of those cotos in their
 * home and their cotonomas; and the connections between those cotos, whoever made them. A coto of
 * theirs posted in someone else's cotonoma is exported without that cotonoma (it comes back at home):
 * another person's cotonoma key is not theirs to carry away.
 */
public final class Exporter {
  /** Rows fetched per round trip of a cursor. */
  static final int FETCH = 256;
  /** What a cotonoma's stock (its timeline's name) starts with. */
  private static final String COTONOMA_STOCK = TimelineNames.cotonoma("");
  /** Bytes gathered before they are written to the connection. */
  private static final int CHUNK = 32 * 1024;

  /** The exported cotos' ids ($1: the person), for the pins' and connections' queries. */
  private static final String EXPORTED = "WITH exported AS (SELECT c.id FROM cotos c WHERE c.author_id = $1 "
      + "AND (c.repost_of IS NULL OR EXISTS (SELECT 1 FROM cotos o JOIN cotonomas k ON k.key = c.cotonoma_key "
      + "WHERE o.id = c.repost_of AND o.author_id = $1 AND k.owner_id = $1))) ";
  /** Parents before their children: breadth first from the roots of what the person owns. */
  private static final String COTONOMAS = "WITH RECURSIVE tree AS ("
      + "SELECT n.key, n.name, n.created_at, NULL::text AS parent_key, 0 AS depth FROM cotonomas n "
      + "WHERE n.owner_id = $1 AND (n.parent_key IS NULL OR NOT EXISTS "
      + "(SELECT 1 FROM cotonomas p WHERE p.key = n.parent_key AND p.owner_id = $1)) "
      + "UNION ALL SELECT n.key, n.name, n.created_at, n.parent_key, t.depth + 1 FROM cotonomas n "
      + "JOIN tree t ON n.parent_key = t.key WHERE n.owner_id = $1) "
      + "SELECT t.key, t.name, t.created_at, t.parent_key, "
      + "ARRAY(SELECT m.email FROM members m WHERE m.cotonoma_key = t.key ORDER BY m.email) AS members "
      + "FROM tree t ORDER BY t.depth, t.created_at, t.key";
  private static final String COTOS = "SELECT c.id, c.content, c.summary, "
      + "CASE WHEN k.owner_id = $1 THEN c.cotonoma_key END AS cotonoma_key, c.as_cotonoma, c.posted_at, c.updated_at "
      + "FROM cotos c LEFT JOIN cotonomas k ON k.key = c.cotonoma_key "
      + "WHERE c.author_id = $1 AND c.repost_of IS NULL ORDER BY c.seq";
  private static final String REPOSTS = "SELECT r.id, r.repost_of, r.cotonoma_key, r.posted_at FROM cotos r "
      + "JOIN cotos o ON o.id = r.repost_of JOIN cotonomas k ON k.key = r.cotonoma_key "
      + "WHERE r.author_id = $1 AND o.author_id = $1 AND k.owner_id = $1 ORDER BY r.seq";
  private static final String PINS = EXPORTED + "SELECT p.id, p.stock, p.coto_id, p.position FROM pins p "
      + "WHERE p.coto_id IN (SELECT id FROM exported) AND (p.stock = $2 OR p.stock IN "
      + "(SELECT $3 || key FROM cotonomas WHERE owner_id = $1)) ORDER BY p.stock, p.position, p.id";
  private static final String CONNECTIONS = EXPORTED + "SELECT k.id, k.source_id, k.target_id, k.linking_phrase, "
      + "k.position FROM connections k WHERE k.source_id IN (SELECT id FROM exported) "
      + "AND k.target_id IN (SELECT id FROM exported) ORDER BY k.source_id, k.position, k.id";

  private final Db db;
  private final Duration timeout;

  public Exporter(Db db, Duration timeout) {
    this.db = db;
    this.timeout = timeout;
  }

  /**
   * Streams the document of {@code userId} to {@code response} (status and headers are set here). Once
   * the first bytes are out, a failure can no longer be a problem+json: the connection is reset instead,
   * so the client sees a cut document (which an import refuses), never a short one taken for whole.
   */
  public Future<Void> export(UUID userId, HttpServerResponse response) {
    Writer out = new Writer(response);
    String home = TimelineNames.home(userId.toString());
    Tuple me = Tuple.of(userId);
    return db.snapshot(timeout, conn -> {
      out.start();
      return section(conn, out, ExchangeFormat.COTONOMAS, COTONOMAS, me, Exporter::cotonoma)
          .compose(v -> section(conn, out, ExchangeFormat.COTOS, COTOS, me, Exporter::coto))
          .compose(v -> section(conn, out, ExchangeFormat.REPOSTS, REPOSTS, me, Exporter::repost))
          .compose(v -> section(conn, out, ExchangeFormat.PINS, PINS, Tuple.of(userId, home, COTONOMA_STOCK), Exporter::pin))
          .compose(v -> section(conn, out, ExchangeFormat.CONNECTIONS, CONNECTIONS, me, Exporter::connection));
    }).compose(v -> out.end()).onFailure(failure -> out.abort());
  }

  private static Future<Void> section(SqlConnection conn, Writer out, String name, String sql, Tuple args,
      Function<Row, JsonObject> toJson) {
    out.openSection(name);
    return conn.prepare(sql).compose(statement -> {
      Promise<Void> read = Promise.promise();
      RowStream<Row> rows = statement.createStream(FETCH, args);
      out.onClosed(() -> read.tryFail("the client went away"));
      rows.exceptionHandler(read::tryFail);
      rows.endHandler(v -> read.tryComplete());
      rows.handler(row -> {
        if (out.item(toJson.apply(row))) {
          rows.pause();
          out.whenDrained(rows::resume);
        }
      });
      return read.future().eventually(() -> rows.close().eventually(statement::close));
    }).onSuccess(v -> out.closeSection());
  }

  private static JsonObject cotonoma(Row row) {
    JsonArray members = new JsonArray();
    for (String email : row.getArrayOfStrings("members")) {
      members.add(email);
    }
    return new JsonObject().put("key", row.getString("key")).put("name", row.getString("name"))
        .put("parentKey", row.getString("parent_key"))
        .put("createdAt", Timestamps.format(row.getOffsetDateTime("created_at"))).put("members", members);
  }

  private static JsonObject coto(Row row) {
    return new JsonObject().put("id", row.getUUID("id").toString()).put("content", row.getString("content"))
        .put("summary", row.getString("summary")).put("cotonomaKey", row.getString("cotonoma_key"))
        .put("asCotonoma", row.getString("as_cotonoma"))
        .put("postedAt", Timestamps.format(row.getOffsetDateTime("posted_at")))
        .put("updatedAt", Timestamps.format(row.getOffsetDateTime("updated_at")));
  }

  private static JsonObject repost(Row row) {
    return new JsonObject().put("id", row.getUUID("id").toString()).put("of", row.getUUID("repost_of").toString())
        .put("cotonomaKey", row.getString("cotonoma_key"))
        .put("postedAt", Timestamps.format(row.getOffsetDateTime("posted_at")));
  }

  private static JsonObject pin(Row row) {
    String stock = row.getString("stock");
    String key = stock.startsWith(COTONOMA_STOCK) ? stock.substring(COTONOMA_STOCK.length()) : null;
    return new JsonObject().put("id", row.getUUID("id").toString()).put("cotonomaKey", key)
        .put("cotoId", row.getUUID("coto_id").toString()).put("position", row.getInteger("position"));
  }

  private static JsonObject connection(Row row) {
    return new JsonObject().put("id", row.getUUID("id").toString())
        .put("sourceId", row.getUUID("source_id").toString()).put("targetId", row.getUUID("target_id").toString())
        .put("linkingPhrase", row.getString("linking_phrase")).put("position", row.getInteger("position"));
  }

  /** The document's bytes, gathered into chunks and written with the connection's back-pressure. */
  private static final class Writer {
    private final HttpServerResponse response;
    private Buffer pending = Buffer.buffer(CHUNK + 1024);
    private boolean first;
    private boolean closed;
    private Runnable onClosed = () -> { };

    Writer(HttpServerResponse response) {
      this.response = response;
      response.closeHandler(v -> {
        closed = true;
        onClosed.run();
      });
    }

    void start() {
      response.setChunked(true).putHeader("Content-Type", "application/json")
          .putHeader("Content-Disposition", "attachment; filename=\"cotoami-export.json\"")
          .putHeader("Cache-Control", "no-store");
      pending.appendString("{\"format\":\"" + ExchangeFormat.FORMAT + "\",\"version\":" + ExchangeFormat.VERSION
          + ",\"exportedAt\":\"" + Timestamps.format(Instant.now()) + "\"");
    }

    void onClosed(Runnable action) {
      onClosed = action;
      if (closed) {
        action.run();
      }
    }

    void openSection(String name) {
      pending.appendString(",\"" + name + "\":[");
      first = true;
    }

    /** Adds one record; true when the connection is full and the reader should wait. */
    boolean item(JsonObject record) {
      if (!first) {
        pending.appendByte((byte) ',');
      }
      first = false;
      pending.appendBuffer(record.toBuffer());
      if (pending.length() >= CHUNK) {
        flush();
      }
      return response.writeQueueFull();
    }

    void whenDrained(Runnable resume) {
      response.drainHandler(v -> {
        response.drainHandler(null);
        resume.run();
      });
    }

    void closeSection() {
      pending.appendByte((byte) ']');
    }

    Future<Void> end() {
      pending.appendByte((byte) '}');
      Buffer last = pending;
      pending = Buffer.buffer();
      return response.end(last);
    }

    /** After a failure: the connection is reset if bytes are out; else the caller answers a problem. */
    void abort() {
      if (response.headWritten()) {
        response.reset();
        return;
      }
      response.headers().remove("Content-Disposition");
      response.setChunked(false);
    }

    private void flush() {
      if (!closed) {
        response.write(pending);
      }
      pending = Buffer.buffer(CHUNK + 1024);
    }
  }
}
