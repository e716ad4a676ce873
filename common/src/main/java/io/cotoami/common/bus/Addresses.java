package io.cotoami.common.bus;

/**
 * Every event-bus address, defined once. Requests read {@code service.resource.action}; events are
 * published in the past tense under {@code <service>.events.<what-happened>}.
 */
public final class Addresses {
  private Addresses() {
  }

  /** Instances announce themselves here periodically and whenever their state changes (ready, draining). */
  public static final String INSTANCE_ANNOUNCED = "registry.events.instance-announced";
  /** An instance says goodbye here just before it leaves the cluster. */
  public static final String INSTANCE_LEFT = "registry.events.instance-left";
  /** A newcomer (a gateway) asks every instance to announce itself now instead of at its next heartbeat. */
  public static final String INSTANCES_QUERY = "registry.instances.query";

  /** A coto was posted (signed-in or anonymous). */
  public static final String COTO_POSTED = "coto.events.coto-posted";
  /** A signed-in user's coto was edited. */
  public static final String COTO_EDITED = "coto.events.coto-edited";
  /** A signed-in user's coto was deleted. */
  public static final String COTO_DELETED = "coto.events.coto-deleted";
  /** A cotonoma was created (and its coto posted to the timeline it was created in). */
  public static final String COTONOMA_CREATED = "coto.events.cotonoma-created";
  /** A cotonoma was renamed. */
  public static final String COTONOMA_RENAMED = "coto.events.cotonoma-renamed";
  /** An empty cotonoma was deleted. */
  public static final String COTONOMA_DELETED = "coto.events.cotonoma-deleted";
  /** A member was added to a cotonoma. */
  public static final String MEMBER_ADDED = "coto.events.member-added";
  /** A member was removed from a cotonoma. */
  public static final String MEMBER_REMOVED = "coto.events.member-removed";
}
