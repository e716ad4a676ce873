package io.cotoami.coto.exchange;

import io.cotoami.common.http.Problem;
import io.cotoami.common.http.ProblemException;
import io.cotoami.common.http.Timestamps;
import io.cotoami.coto.graph.GraphConfig;
import io.cotoami.coto.store.Db;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Imports a checked {@link ImportDocument} into a person's account as a job: the whole document is
 * written in one transaction (all of it or, on any failure, none), batch by batch, and the job's row
 * ({@code import_jobs}) carries its progress for {@code GET /api/import/{id}} on any instance.
 *
 * <p>Each record gets a new id (a cotonoma a new random key) and {@code import_ids} remembers which;
 * a record already imported by this person is skipped, so the same document imported twice writes it
 * once. Two imports of one person take turns (a transaction-scoped advisory lock). A cotonoma whose
 * name the person already uses is imported as "name (2)" and so on. Pins and connections go after
 * those already in their stock or coto. An import publishes no live events and sends no invitations:
 * open pages show it on their next load.
 */
public final class Importer {
  private static final Logger LOG = LoggerFactory.getLogger(Importer.class);
    /** A running job whose heartbeat is older than this is reported as interrupted. */
  static final int STALE_SECONDS = 60;
  private static final long HEARTBEAT_MS = 10_000;

  private static final String NEW_JOB = "INSERT INTO import_jobs (id, user_id, state, total) VALUES ($1, $2, 'running', $3)";
  private static final String RUNNING = "SELECT count(*) AS n FROM import_jobs WHERE user_id = $1 AND state = 'running' "
      + "AND heartbeat_at > now() - make_interval(secs => " + STALE_SECONDS + ")";
  private static final String FORGET_OLD = "DELETE FROM import_jobs WHERE created_at < now() - interval '7 days'";
  private static final String PROGRESS = "UPDATE import_jobs SET done = $2, heartbeat_at = now() WHERE id = $1";
  private static final String FINISH = "UPDATE import_jobs SET state = $2, done = $3, result = $4, problem = $5, "
      + "heartbeat_at = now() WHERE id = $1";
  private static final String JOB = "SELECT id, state, total, done, result, problem, created_at, "
      + "heartbeat_at < now() - make_interval(secs => " + STALE_SECONDS + ") AS stale "
      + "FROM import_jobs WHERE id = $1 AND user_id = $2";

  private final Vertx vertx;
  private final Db db;
  private final ExchangeConfig config;
  private final GraphConfig limits;
  private final AtomicInteger running = new AtomicInteger();

  public Importer(Vertx vertx, Db db, ExchangeConfig config, GraphConfig limits) {
    this.vertx = vertx;
    this.db = db;
    this.config = config;
    this.limits = limits;
  }

  /** A job as {@code GET /api/import/{id}} answers it. */
  public record Job(UUID id, String state, int total, int done, JsonObject result, JsonObject problem,
      OffsetDateTime createdAt) {
    public JsonObject toJson() {
      JsonObject json = new JsonObject().put("id", id.toString()).put("state", state).put("total", total)
          .put("done", done).put("createdAt", Timestamps.format(createdAt));
      if (result != null) {
        json.put("result", result);
      }
      if (problem != null) {
        json.put("problem", problem);
      }
      return json;
    }
  }

  /** Starts importing {@code document} for {@code userId}; the job as it starts (its progress is read with {@link #job}). */
  public Future<Job> start(UUID userId, ImportDocument document) {
    if (running.incrementAndGet() > config.importsAtOnce()) {
      running.decrementAndGet();
      return Future.failedFuture(new ProblemException(Problem.of(429, "too-many-imports", "Too many imports",
          "This server is importing " + config.importsAtOnce() + " documents already. Please retry in a minute.")));
    }
    UUID id = UUID.randomUUID();
    Future<Job> started = db.tx(conn -> conn.preparedQuery(RUNNING).execute(Tuple.of(userId))
        .compose(rows -> {
          if (rows.iterator().next().getLong("n") > 0) {
            throw new ProblemException(Problem.of(409, "import-running", "An import is running",
                "One of your imports is still running: wait for it to end (GET /api/import/{id}), then import again."));
          }
          return conn.query(FORGET_OLD).execute();
        })
        .compose(v -> conn.preparedQuery(NEW_JOB).execute(Tuple.of(id, userId, document.total())))
        .map(v -> new Job(id, "running", document.total(), 0, null, null, OffsetDateTime.now())));
    started.onFailure(f -> running.decrementAndGet())
        .onSuccess(job -> run(id, userId, document));
    return started;
  }

  /** The caller's job, or null (none with that id, or another person's). */
  public Future<Job> job(UUID userId, UUID jobId) {
    return db.read(conn -> conn.preparedQuery(JOB).execute(Tuple.of(jobId, userId))).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row row = rows.iterator().next();
      String state = row.getString("state");
      JsonObject problem = (JsonObject) row.getValue("problem");
      if ("running".equals(state) && Boolean.TRUE.equals(row.getBoolean("stale"))) {
        // Its instance stopped mid-way: the transaction went with its connection, nothing was written.
        state = "failed";
        problem = Problem.of(503, "import-interrupted", "Import interrupted",
            "The server importing it stopped; nothing of it was written. Import the document again.").toJson(null);
      }
      return new Job(row.getUUID("id"), state, row.getInteger("total"), row.getInteger("done"),
          (JsonObject) row.getValue("result"), problem, row.getOffsetDateTime("created_at"));
    });
  }

  private void run(UUID jobId, UUID userId, ImportDocument document) {
    Progress progress = new Progress(jobId);
    long heartbeat = vertx.setPeriodic(HEARTBEAT_MS, t -> progress.report());
    db.tx(config.importTimeout(), conn -> new ImportWrite(conn, userId, document, limits, progress::add).write())
        .transform(outcome -> {
          vertx.cancelTimer(heartbeat);
          running.decrementAndGet();
          if (outcome.succeeded()) {
            // Counts only: the renamed cotonomas' names are the person's words, not the log's business.
            JsonObject result = outcome.result();
            LOG.atInfo().addKeyValue("job", jobId).log("Import done: created {}, skipped {}, renamed {}",
                result.getJsonObject("created").encode(), result.getInteger("skipped"),
                result.getJsonArray("renamed").size());
            return finish(jobId, "done", document.total(), outcome.result(), null);
          }
          Throwable failure = outcome.cause();
          Problem problem = failure instanceof ProblemException p ? p.problem()
              : Problem.of(500, "import-failed", "Import failed",
                  "The import failed and nothing of it was written. Please try again.");
          LOG.atWarn().addKeyValue("job", jobId).log("Import failed, rolled back: {}", failure.toString());
          return finish(jobId, "failed", progress.done, null, problem.toJson(null));
        })
        .onFailure(f -> LOG.atWarn().addKeyValue("job", jobId).log("Could not record the end of an import: {}", f.toString()));
  }

  private Future<Void> finish(UUID jobId, String state, int done, JsonObject result, JsonObject problem) {
    return db.read(conn -> conn.preparedQuery(FINISH).execute(Tuple.of(jobId, state, done, result, problem))).mapEmpty();
  }

  /** The job's row follows the count of records written, one update at a time, outside the import's transaction. */
  private final class Progress {
    private final UUID jobId;
    private int done;
    private Future<?> last = Future.succeededFuture();

    Progress(UUID jobId) {
      this.jobId = jobId;
    }

    void add(int records) {
      done += records;
      report();
    }

    void report() {
      int now = done;
      last = last.transform(v -> db.read(conn -> conn.preparedQuery(PROGRESS).execute(Tuple.of(jobId, now))));
    }
  }



}
