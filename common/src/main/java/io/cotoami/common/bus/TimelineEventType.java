package io.cotoami.common.bus;

import java.util.Arrays;
import java.util.Optional;

/**
 * The kinds of timeline event, each with the {@code type} its messages and WebSocket frames carry
 * and the bus address it is published on ({@code coto.events.<type>}): the one list coto-service
 * publishes from, the gateway fans out from and the AsyncAPI document enumerates
 * ({@code TimelineEventTypesTest} holds them together).
 */
public enum TimelineEventType {
  /** A coto was posted (signed-in or anonymous). */
  COTO_POSTED("coto-posted"),
  /** A coto was edited. */
  COTO_EDITED("coto-edited"),
  /** A coto was deleted. */
  COTO_DELETED("coto-deleted"),
  /** A cotonoma was created (and its coto posted to the timeline it was created in). */
  COTONOMA_CREATED("cotonoma-created"),
  /**
   * A coto became a cotonoma, keeping its id: {@code {"cotonoma", "coto"}} (the coto now carries
   * its {@code cotonoma}), on the new cotonoma's, its owner's home and its parent's timelines.
   */
  COTO_COTONOMATIZED("coto-cotonomatized"),
  /** A cotonoma was renamed. */
  COTONOMA_RENAMED("cotonoma-renamed"),
  /** An empty cotonoma was deleted. */
  COTONOMA_DELETED("cotonoma-deleted"),
  /** A member was added to a cotonoma. */
  MEMBER_ADDED("member-added"),
  /** A member was removed from a cotonoma. */
  MEMBER_REMOVED("member-removed"),
  /**
   * A person took a new display name: {@code {"user": {"id", "name", "avatarUrl"}}}, on their home
   * and on the cotonomas they own, are a member of or posted in, so that pages show it at once.
   */
  USER_RENAMED("user-renamed"),
  /** A coto was pinned to a stock: {@code {"pin"}}, on the stock's timeline (a cotonoma's, or the pinner's home). */
  COTO_PINNED("coto-pinned"),
  /** A pin was removed: {@code {"pinId", "cotoId", "stock"}} (also when its coto was deleted). */
  COTO_UNPINNED("coto-unpinned"),
  /** A stock's pins took a new order: {@code {"stock", "pinIds"}}. */
  PINS_REORDERED("pins-reordered"),
  /**
   * One coto was connected to another: {@code {"connection"}}, on the connector's home, and on a
   * cotonoma's timeline only when both cotos are in that cotonoma (its readers may read both ends).
   */
  COTO_CONNECTED("coto-connected"),
  /** A connection was removed: {@code {"connectionId", "sourceId", "targetId"}} (also when one end was deleted). */
  COTO_DISCONNECTED("coto-disconnected"),
  /** A connection's linking phrase changed: {@code {"connection"}}. */
  CONNECTION_RELABELED("connection-relabeled"),
  /** The connections out of a coto took a new order: {@code {"sourceId", "connectionIds"}}. */
  CONNECTIONS_REORDERED("connections-reordered");

  private final String type;
  private final String address;

  TimelineEventType(String type) {
    this.type = type;
    this.address = "coto.events." + type;
  }

  /** The {@code type} field of the event's messages and frames. */
  public String type() {
    return type;
  }

  /** Where the event is published on the bus. */
  public String address() {
    return address;
  }

  /** The kind a {@code type} field names; empty for anything else. */
  public static Optional<TimelineEventType> of(String type) {
    return Arrays.stream(values()).filter(kind -> kind.type.equals(type)).findFirst();
  }

  /** True when {@code type} names this kind. */
  public boolean is(String type) {
    return this.type.equals(type);
  }
}
