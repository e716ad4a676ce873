package io.cotoami.coto.search;

import io.cotoami.coto.domain.Caller;
import io.cotoami.coto.domain.DomainProblems;
import io.cotoami.coto.store.Coto;
import io.cotoami.coto.store.CotonomaRepository;
import io.cotoami.coto.store.Db;
import io.cotoami.coto.store.SearchRepository;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.List;

/**
 * Search over what a signed-in caller may read, newest first. What they may read is what their
 * timelines show them: their own cotos, and those in the cotonomas {@link io.cotoami.coto.store.Access}
 * lets them open, decided afresh on every search (a removed member stops finding a room at once).
 */
public final class Search {
  private final Db db;
  private final CotonomaRepository cotonomas;
  private final SearchRepository search;

  public Search(Db db, CotonomaRepository cotonomas, SearchRepository search) {
    this.db = db;
    this.cotonomas = cotonomas;
    this.search = search;
  }

  /**
   * A page of the cotos holding every term of {@code query}; in one cotonoma's timeline when
   * {@code cotonomaKey} is given (404 when the caller may not open it, as its timeline would be).
   */
  public Future<List<Coto>> search(Caller caller, SearchQuery query, Long before, int limit) {
    return db.read(conn -> search.terms(conn, query.text()).compose(terms -> {
      if (terms.isEmpty()) {
        return Future.succeededFuture(List.of());
      }
      return readable(conn, caller, query.cotonomaKey()).compose(keys -> search.search(conn, terms,
          caller.userId(), keys, query.cotonomaKey(), before, limit));
    }));
  }

  private Future<List<String>> readable(SqlConnection conn, Caller caller, String cotonomaKey) {
    if (cotonomaKey == null) {
      return search.readableCotonomas(conn, caller.userId(), caller.email());
    }
    return cotonomas.find(conn, cotonomaKey, caller.userId(), caller.email(), "").map(found -> {
      if (found == null || !found.allowed()) {
        throw DomainProblems.notFound("cotonoma");
      }
      return List.of(cotonomaKey);
    });
  }
}
