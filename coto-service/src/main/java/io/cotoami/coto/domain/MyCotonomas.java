package io.cotoami.coto.domain;

import io.cotoami.common.http.Timestamps;
import io.cotoami.coto.store.Cotonoma;
import io.cotoami.coto.store.CotonomaRepository;
import io.cotoami.coto.store.Db;
import io.cotoami.coto.store.MyCotonomaRepository;
import io.cotoami.coto.store.MyCotonomaRepository.Entry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.List;

/** A person's cotonomas: the ones they own or that are shared with them, and what they have not read yet. */
public final class MyCotonomas {
  private final Db db;
  private final CotonomaRepository cotonomas;
  private final MyCotonomaRepository mine;

  public MyCotonomas(Db db, CotonomaRepository cotonomas, MyCotonomaRepository mine) {
    this.db = db;
    this.cotonomas = cotonomas;
    this.mine = mine;
  }

  /** Where a page of the list starts: strictly after this activity seq and key. */
  public record Cursor(long seq, String key) {
    /** "seq.key", or null when {@code raw} is not one. */
    public static Cursor parse(String raw) {
      int dot = raw.indexOf('.');
      if (dot < 1 || !raw.substring(dot + 1).matches("[A-Za-z0-9_-]{16,64}")) {
        return null;
      }
      try {
        long seq = Long.parseLong(raw.substring(0, dot));
        return seq < 1 ? null : new Cursor(seq, raw.substring(dot + 1));
      } catch (NumberFormatException e) {
        return null;
      }
    }

    @Override
    public String toString() {
      return seq + "." + key;
    }
  }

  /**
   * One page, most recently active first: {@code {"cotonomas": [...], "next"?}}. A sub-cotonoma
   * the caller created in a room they were since removed from is not theirs to open, so it is
   * left out; a page can then hold fewer than {@code limit} entries and still have a next one.
   */
  public Future<JsonObject> page(Caller caller, Cursor before, int limit) {
    return db.read(conn -> mine.page(conn, caller.userId(), caller.email(), before == null ? null : before.seq(),
            before == null ? null : before.key(), limit)
        .compose(entries -> withRights(conn, caller, entries).map(open -> {
          JsonArray list = new JsonArray();
          open.forEach(entry -> list.add(entry.cotonoma().toJson()
              .put("owned", entry.owned())
              .put("managed", entry.cotonoma().managed())
              .put("activeAt", Timestamps.format(entry.activeAt()))
              .put("unread", entry.unread())));
          JsonObject page = new JsonObject().put("cotonomas", list);
          if (entries.size() == limit) {
            Entry last = entries.get(entries.size() - 1);
            page.put("next", new Cursor(last.activeSeq(), last.cotonoma().key()).toString());
          }
          return page;
        })));
  }

  /** Marks the cotonoma read up to its newest coto, for every device of the caller. 404 when they may not open it. */
  public Future<Void> markRead(Caller caller, String key) {
    return db.tx(conn -> cotonomas.find(conn, key, caller.userId(), caller.email(), "FOR SHARE")
        .compose(found -> {
          if (found == null || !found.allowed()) {
            throw DomainProblems.notFound("cotonoma");
          }
          return mine.markRead(conn, caller.userId(), key);
        }));
  }

  /** The entries the caller may open, with their rights; only owned sub-cotonomas need their path checked. */
  private Future<List<Entry>> withRights(SqlConnection conn, Caller caller, List<Entry> entries) {
    Future<List<Entry>> kept = Future.succeededFuture(new ArrayList<>());
    for (Entry entry : entries) {
      kept = kept.compose(list -> {
        if (entry.cotonoma().parentKey() == null) {
          list.add(entry);
          return Future.succeededFuture(list);
        }
        return cotonomas.find(conn, entry.cotonoma().key(), caller.userId(), caller.email(), "").map(found -> {
          if (found != null && found.allowed()) {
            list.add(new Entry(found, entry.owned(), entry.activeSeq(), entry.activeAt(), entry.unread()));
          }
          return list;
        });
      });
    }
    return kept;
  }
}
