package io.cotoami.coto.domain;

import io.cotoami.common.http.ProblemException;
import io.cotoami.coto.store.Db;
import io.cotoami.coto.store.TimelineEvent;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What writing pins and writing connections share: a retried write, a reorder's list of ids, and
 * the events of removing several, written one after the other.
 */
final class GraphWrites {
  private GraphWrites() {
  }

  /**
   * The answer to a failed pin or connect: 404 when a coto it names went meanwhile (a foreign key,
   * 23503); for a duplicate (23505) the one made earlier with the same {@code clientId}, read by
   * {@code earlier}, or else {@code duplicate}; any other failure as it is.
   */
  static <T> Future<T> retried(Db db, Throwable e, String clientId, Function<SqlConnection, Future<T>> earlier,
      Supplier<ProblemException> duplicate) {
    if ("23503".equals(Db.sqlState(e))) {
      return Future.failedFuture(DomainProblems.notFound("coto"));
    }
    if (!"23505".equals(Db.sqlState(e))) {
      return Future.failedFuture(e);
    }
    if (clientId == null) {
      return Future.failedFuture(duplicate.get());
    }
    return db.read(earlier).compose(existing ->
        existing == null ? Future.failedFuture(duplicate.get()) : Future.succeededFuture(existing));
  }

  /** A reorder names each of the {@code current} ones exactly once, else 400 naming {@code field}. */
  static void requireSameSet(List<UUID> current, List<UUID> given, String field) {
    if (given.size() != current.size() || !new HashSet<>(given).equals(new HashSet<>(current))) {
      throw DomainProblems.invalid("'" + field + "' must name each of the " + current.size()
          + " current ones exactly once.");
    }
  }

  /** The ids as a JSON array of strings, in order (what a reorder's event carries). */
  static JsonArray ids(List<UUID> ids) {
    JsonArray list = new JsonArray();
    ids.forEach(id -> list.add(id.toString()));
    return list;
  }

  /** Appends each item's events in turn, in the order given; all that were written. */
  static <T> Future<List<TimelineEvent>> inTurn(List<T> items, Function<T, Future<List<TimelineEvent>>> append) {
    List<TimelineEvent> written = new ArrayList<>();
    Future<Void> each = Future.succeededFuture();
    for (T item : items) {
      each = each.compose(v -> append.apply(item)).map(written::addAll).mapEmpty();
    }
    return each.map(v -> written);
  }
}
