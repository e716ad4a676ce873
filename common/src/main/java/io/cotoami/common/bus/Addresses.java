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

  /* Timeline events are published under {@code coto.events.<type>}: see {@link TimelineEventType}. */

  /**
   * A session, or every session of a user, was revoked (sign-out): a {@code Revocation}. Every
   * {@code RevokedSessions} refuses it from then on. A publish may be lost; the reconcile below is
   * what no instance can miss.
   */
  public static final String SESSION_REVOKED = "auth.events.session-revoked";
  /**
   * Published by a verifier at most once a minute per personal access token it accepted:
   * {@code {"tokenId", "at": <epoch ms>}}; auth-service records it as the token's last use.
   */
  public static final String ACCESS_TOKEN_USED = "auth.events.access-token-used";
  /**
   * Request to auth-service: the revocations stored after a version ({@code RevocationPage.Query}),
   * asked by every {@code RevokedSessions} at start, every reconcile interval and on membership
   * changes. Reply: a {@code RevocationPage}.
   */
  public static final String REVOKED_SESSIONS_LIST = "auth.revoked-sessions.list";

  /**
   * Request to coto-service at sign-in: move the anonymous cotos of {@code anonymousId} into the
   * account of {@code userId}, in order, exactly once (a repeated request moves nothing more).
   * Body {@code {"anonymousId": ..., "userId": ...}}; reply {@code {"moved": <count>}}.
   */
  public static final String ANONYMOUS_COTOS_MOVE = "coto.anonymous-cotos.move";

  /**
   * Request from auth-service to coto-service after a person changed their display name: a
   * {@code UserRename}. coto-service publishes {@code user-renamed} on every timeline that shows the
   * person (see {@link TimelineEventType#USER_RENAMED}); reply {@code {"timelines": <count>}}.
   */
  public static final String USER_RENAMES_ANNOUNCE = "coto.user-renames.announce";

  /**
   * Request to auth-service: the language a person was last seen signing in with, for mail to them
   * (an invitation). Body {@code {"email"}}; reply {@code {"language": "ja"|"en"|null}} (null: no
   * account, or not known). See {@code UserLanguage}.
   */
  public static final String USER_LANGUAGES_GET = "auth.user-languages.get";

  /**
   * Not a bus address but the same kind of contract: the Redis stream auth-service appends mail to
   * and mail-service consumes (consumer group {@code mailers}). Fields: {@code messageId},
   * {@code kind} and {@code sealed}: an {@code OutboxMail} sealed by {@code OutboxSeal} (common/mail).
   */
  public static final String MAIL_OUTBOX_STREAM = "mail:outbox";

  /**
   * Request to coto-service when a client subscribes to a timeline: may this caller read it, and
   * what did they miss? Body {@code {"timeline": "home"|"cotonoma:<key>", "userId"?, "email"?,
   * "anonymousId"?, "after"?: <event id>}}; reply {@code {"timeline": <name events carry>,
   * "events": [...], "resync": <true when too much was missed to replay>}}; 401/404 otherwise.
   */
  public static final String TIMELINES_OPEN = "coto.timelines.open";

  /**
   * A gateway's viewers of a cotonoma: its {@code PresenceSummary} (gateway/live), published when
   * they change and again every third of {@code WS_PRESENCE_TTL}; every other gateway keeps the
   * latest one of each gateway until the TTL passes without a renewal.
   */
  public static final String PRESENCE = "gateway.events.presence";
  /** Someone is typing in a cotonoma: {@code {"timeline", "socketId", "user": {...}}}. */
  public static final String TYPING = "gateway.events.typing";
}
