package io.cotoami.common.bus;

import io.vertx.core.json.JsonObject;

/**
 * The body of {@link Addresses#TIMELINES_OPEN}: the gateway asks coto-service whether its client
 * may follow {@code timeline} ({@code home} or {@code cotonoma:<key>}, see {@link TimelineName})
 * and what it missed after event {@code after} (null: only where live events start). The caller
 * is a signed-in person ({@code userId} and {@code email}) or an anonymous visitor
 * ({@code anonymousId}); coto-service checks every field itself.
 */
public record TimelineOpen(String timeline, Long after, String userId, String email, String anonymousId) {

  /** A signed-in person's request. */
  public static TimelineOpen signedIn(String timeline, Long after, String userId, String email) {
    return new TimelineOpen(timeline, after, userId, email, null);
  }

  /** An anonymous visitor's request. */
  public static TimelineOpen anonymous(String timeline, Long after, String anonymousId) {
    return new TimelineOpen(timeline, after, null, null, anonymousId);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("timeline", timeline).put("after", after);
    return userId != null ? json.put("userId", userId).put("email", email) : json.put("anonymousId", anonymousId);
  }

  /** Reads a request as sent; fields of the wrong type read as absent, for the receiver to refuse. */
  public static TimelineOpen fromJson(JsonObject json) {
    JsonObject body = json == null ? new JsonObject() : json;
    return new TimelineOpen(body.getValue("timeline") instanceof String t ? t : "",
        body.getValue("after") instanceof Number n ? n.longValue() : null,
        body.getValue("userId") instanceof String u ? u : null,
        body.getValue("email") instanceof String e ? e : null,
        body.getValue("anonymousId") instanceof String a ? a : null);
  }
}
