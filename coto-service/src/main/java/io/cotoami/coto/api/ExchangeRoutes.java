package io.cotoami.coto.api;

import io.cotoami.common.http.Problem;
import io.cotoami.common.http.ProblemException;
import io.cotoami.coto.domain.Caller;
import io.cotoami.coto.domain.DomainProblems;
import io.cotoami.coto.exchange.Exporter;
import io.cotoami.coto.exchange.ImportDocument;
import io.cotoami.coto.exchange.Importer;
import io.cotoami.coto.graph.GraphConfig;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/**
 * A person's whole account as one document: {@code GET /api/export} streams it, {@code POST /api/import}
 * checks one whole and imports it as a job, {@code GET /api/import/{id}} tells the job's progress.
 * Signed-in callers only.
 */
final class ExchangeRoutes {
  private final Exporter exporter;
  private final Importer importer;
  private final GraphConfig limits;
  private final int importsAtOnce;
  private final int exportsAtOnce;
  private int reading;
  private int exporting;

  ExchangeRoutes(Exporter exporter, Importer importer, GraphConfig limits, int importsAtOnce, int exportsAtOnce) {
    this.exporter = exporter;
    this.importer = importer;
    this.limits = limits;
    this.importsAtOnce = importsAtOnce;
    this.exportsAtOnce = exportsAtOnce;
  }

  /** Admission before the body is read: at most IMPORTS_AT_ONCE documents held here while they are read and checked. */
  void admit(RoutingContext ctx) {
    if (reading >= importsAtOnce) {
      ctx.response().putHeader("Retry-After", "30");
      ctx.fail(new ProblemException(Problem.of(429, "too-many-imports", "Too many imports",
          "This server is reading " + importsAtOnce + " imported documents already. Please retry in a minute.")));
      return;
    }
    reading++;
    ctx.addEndHandler(v -> reading--);
    ctx.next();
  }

  void install(Router router) {
    router.get("/api/export").handler(this::export);
    router.post("/api/import").handler(this::startImport);
    router.get("/api/import/:id").handler(this::job);
  }

  private void export(RoutingContext ctx) {
    Caller caller = Callers.required(ctx, "export");
    if (exporting >= exportsAtOnce) {
      // Each export holds a PostgreSQL connection while its client reads: slow readers must not take the pool.
      ctx.response().putHeader("Retry-After", "30");
      throw new ProblemException(Problem.of(429, "too-many-exports", "Too many exports",
          "This server is streaming " + exportsAtOnce + " exports already. Please retry in a minute."));
    }
    exporting++;
    exporter.export(caller.userId(), ctx.response()).onComplete(done -> exporting--).onFailure(failure -> {
      if (!ctx.response().headWritten()) {
        ctx.fail(failure);
      }
    });
  }

  /** 202 with the job once the document is read and found whole; 400 naming its first bad record otherwise. */
  private void startImport(RoutingContext ctx) {
    Caller caller = Callers.required(ctx, "import");
    String type = ctx.request().getHeader("Content-Type");
    if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      throw new ProblemException(Problem.of(415, "unsupported-media-type", "Unsupported media type",
          "Send the exported document as application/json."));
    }
    Buffer body = ctx.body().buffer();
    if (body == null || body.length() == 0) {
      throw ImportReader.bad("", "The body is empty: send the exported document.");
    }
    ctx.vertx().<ImportDocument>executeBlocking(() -> ImportReader.read(body, limits), false)
        .compose(document -> importer.start(caller.userId(), document))
        .onSuccess(job -> {
          ctx.response().setStatusCode(202).putHeader("Location", "/api/import/" + job.id());
          ctx.json(job.toJson());
        })
        .onFailure(failure -> {
          if (failure instanceof ProblemException p && p.problem().status() == 429) {
            ctx.response().putHeader("Retry-After", "30");
          }
          ctx.fail(failure);
        });
  }

  private void job(RoutingContext ctx) {
    Caller caller = Callers.required(ctx, "read an import");
    UUID id;
    try {
      id = UUID.fromString(ctx.pathParam("id"));
    } catch (IllegalArgumentException e) {
      throw DomainProblems.notFound("import");
    }
    importer.job(caller.userId(), id)
        .onSuccess(job -> {
          if (job == null) {
            ctx.fail(DomainProblems.notFound("import"));
            return;
          }
          ctx.response().putHeader("Cache-Control", "no-store");
          ctx.json(job.toJson());
        })
        .onFailure(ctx::fail);
  }
}
