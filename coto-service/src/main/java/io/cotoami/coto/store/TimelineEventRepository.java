package io.cotoami.coto.store;

import io.cotoami.common.bus.TimelineEventType;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** The events of every timeline, appended in the transaction of the change they describe. */
public final class TimelineEventRepository {
  /**
   * Takes the next id of the timeline (locking its counter row until commit, so ids are committed
   * in order) and stores the event under it.
   */
  private static final String APPEND = """
      WITH counter AS (
        INSERT INTO timelines (name, last_event_id) VALUES ($1, 1)
        ON CONFLICT (name) DO UPDATE SET last_event_id = timelines.last_event_id + 1
        RETURNING last_event_id)
      INSERT INTO timeline_events (timeline, event_id, type, payload)
      SELECT $1, last_event_id, $2, $3 FROM counter
      RETURNING event_id""";

  /**
   * Appends one event of {@code type} to each of {@code timelines}, in name order so that two
   * transactions never wait on each other's counters in opposite orders.
   */
  public Future<List<TimelineEvent>> append(SqlConnection conn, TimelineEventType type, JsonObject payload,
      List<String> timelines) {
    Future<List<TimelineEvent>> chain = Future.succeededFuture(new ArrayList<>());
    for (String timeline : new TreeSet<>(timelines)) {
      chain = chain.compose(events -> conn.preparedQuery(APPEND).execute(Tuple.of(timeline, type.type(), payload))
          .map(rows -> {
            events.add(new TimelineEvent(type, timeline, rows.iterator().next().getLong("event_id"), payload));
            return events;
          }));
    }
    return chain;
  }

  private static final String SINCE = "SELECT event_id, type, payload FROM timeline_events "
      + "WHERE timeline = $1 AND event_id > $2 ORDER BY event_id LIMIT $3";

  /** The events of a timeline after {@code after}, oldest first, at most {@code limit}. */
  public Future<List<TimelineEvent>> since(SqlConnection conn, String timeline, long after, int limit) {
    return conn.preparedQuery(SINCE).execute(Tuple.of(timeline, after, limit)).map(rows -> {
      List<TimelineEvent> events = new ArrayList<>();
      rows.forEach(row -> events.add(new TimelineEvent(TimelineEventType.of(row.getString("type")).orElseThrow(), timeline, row.getLong("event_id"),
          (JsonObject) row.getValue("payload"))));
      return events;
    });
  }

  private static final String LAST = "SELECT last_event_id FROM timelines WHERE name = $1";

  /** The id of the timeline's latest event, 0 when it has none. */
  public Future<Long> lastEventId(SqlConnection conn, String timeline) {
    return conn.preparedQuery(LAST).execute(Tuple.of(timeline))
        .map(rows -> rows.size() == 0 ? 0L : rows.iterator().next().getLong("last_event_id"));
  }

  /** Events older than the latest {@code $1} of their timeline, at most {@code $2} of them. */
  private static final String TRIM = """
      DELETE FROM timeline_events WHERE (timeline, event_id) IN (
        SELECT e.timeline, e.event_id FROM timeline_events e JOIN timelines t ON t.name = e.timeline
        WHERE e.event_id <= t.last_event_id - $1 LIMIT $2)""";

  /**
   * Deletes at most {@code batch} events that can no longer be replayed (more than {@code keep}
   * behind the latest of their timeline); returns how many it deleted.
   */
  public Future<Integer> trim(SqlConnection conn, int keep, int batch) {
    return conn.preparedQuery(TRIM).execute(Tuple.of(keep, batch)).map(rows -> rows.rowCount());
  }
}
