package io.cotoami.gateway.live;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The viewers of each cotonoma as one gateway sees them: its own sockets, and the latest
 * {@link PresenceSummary} of every other gateway, each kept until {@code ttl} after it arrived
 * (by this gateway's clock). Nothing here is read from the cluster, so a frozen or departing member
 * cannot stall it: a gateway that stops renewing its summaries simply drops out after the TTL.
 * Not thread-safe: one per {@link LiveSockets}, used on its event loop.
 */
final class PresenceBook {
  /** Viewers listed by name in a presence frame; the frame also says how many there are in all. */
  static final int MAX_LISTED = 20;
  /** Up to this many distinct viewers on one gateway, a summary carries their ids and the count is exact. */
  static final int MAX_IDS = 1000;
  private static final Comparator<JsonObject> BY_NAME = Comparator
      .comparing((JsonObject u) -> String.valueOf(u.getString("name")))
      .thenComparing(u -> String.valueOf(u.getString("userId")));

  private final String source;
  private final long ttlMillis;
  /** Timeline → socket id → the viewer on that socket, for this gateway's sockets. */
  private final Map<String, Map<String, JsonObject>> local = new HashMap<>();
  /** Timeline → source → the other gateway's summary, and when it lapses. */
  private final Map<String, Map<String, Heard>> heard = new HashMap<>();

  private record Heard(PresenceSummary summary, long lapsesAt) {
  }

  PresenceBook(String source, long ttlMillis) {
    this.source = source;
    this.ttlMillis = ttlMillis;
  }

  String source() {
    return source;
  }

  /** A socket here views the timeline (again, or under a new name). */
  void join(String timeline, String socketId, JsonObject viewer) {
    local.computeIfAbsent(timeline, k -> new LinkedHashMap<>()).put(socketId, viewer.copy());
  }

  void leave(String timeline, String socketId) {
    Map<String, JsonObject> sockets = local.get(timeline);
    if (sockets != null) {
      sockets.remove(socketId);
      if (sockets.isEmpty()) {
        local.remove(timeline);
      }
    }
  }

  /** This gateway's summary of the timeline (count 0 when none of its sockets view it). */
  PresenceSummary summary(String timeline) {
    Map<String, JsonObject> byUser = new HashMap<>();
    local.getOrDefault(timeline, Map.of()).values().forEach(v -> byUser.putIfAbsent(v.getString("userId"), v));
    List<JsonObject> listed = byUser.values().stream().sorted(BY_NAME).limit(MAX_LISTED).toList();
    List<String> ids = byUser.size() > MAX_IDS ? null
        : byUser.keySet().stream().filter(Objects::nonNull).sorted().toList();
    return new PresenceSummary(source, timeline, listed, ids, byUser.size());
  }

  /** The timelines this gateway's sockets view. */
  Set<String> timelines() {
    return Set.copyOf(local.keySet());
  }

  /** Another gateway's summary arrived at {@code now}; true when it changes what the timeline's viewers are. */
  boolean heard(PresenceSummary summary, long now) {
    if (summary.source().equals(source)) {
      return false;
    }
    Map<String, Heard> sources = heard.computeIfAbsent(summary.timeline(), k -> new HashMap<>());
    Heard before = summary.count() == 0 ? sources.remove(summary.source())
        : sources.put(summary.source(), new Heard(summary, now + ttlMillis));
    if (sources.isEmpty()) {
      heard.remove(summary.timeline());
    }
    PresenceSummary previous = before == null ? null : before.summary();
    return summary.count() == 0 ? previous != null : !summary.equals(previous);
  }

  /** Drops the summaries not renewed within the TTL; returns the timelines whose viewers changed. */
  Set<String> lapse(long now) {
    Set<String> changed = new LinkedHashSet<>();
    heard.entrySet().removeIf(timeline -> {
      if (timeline.getValue().values().removeIf(h -> h.lapsesAt() <= now)) {
        changed.add(timeline.getKey());
      }
      return timeline.getValue().isEmpty();
    });
    return changed;
  }

  /**
   * The distinct users viewing the timeline on every gateway: {@code count} of them, and the first
   * {@link #MAX_LISTED} by name as {@code viewers}. The count is exact while every gateway has at
   * most {@link #MAX_IDS} viewers there; past that, a person viewing through two gateways may be
   * counted twice.
   */
  JsonObject viewers(String timeline) {
    List<PresenceSummary> all = new ArrayList<>();
    all.add(summary(timeline));
    heard.getOrDefault(timeline, Map.of()).values().forEach(h -> all.add(h.summary()));
    Map<String, JsonObject> listed = new HashMap<>();
    Set<String> ids = new HashSet<>();
    int uncounted = 0;
    for (PresenceSummary summary : all) {
      summary.listed().forEach(v -> listed.putIfAbsent(v.getString("userId"), v));
      if (summary.ids() != null) {
        ids.addAll(summary.ids());
      } else {
        uncounted += summary.count();
      }
    }
    List<JsonObject> first = listed.values().stream().sorted(BY_NAME).limit(MAX_LISTED).toList();
    int count = uncounted > 0 ? Math.max(listed.size(), ids.size() + uncounted) : Math.max(ids.size(), listed.size());
    return new JsonObject().put("viewers", new JsonArray(first)).put("count", count);
  }
}
