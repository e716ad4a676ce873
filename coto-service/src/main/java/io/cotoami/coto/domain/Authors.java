package io.cotoami.coto.domain;

import io.cotoami.common.bus.TimelineEventType;
import io.cotoami.common.bus.UserRename;
import io.cotoami.common.session.Gravatar;
import io.cotoami.coto.store.AuthorRepository;
import io.cotoami.coto.store.Db;
import io.cotoami.coto.store.TimelineEventRepository;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * The people cotos are written by, as timelines show them. Cotos carry only {@code authorId};
 * when a person is renamed, every timeline that shows them gets a {@code user-renamed} event, so
 * open pages update their names without a reload.
 */
public final class Authors {
  /** A rename reaches the person's home and at most this many of their cotonomas (the most recently active). */
  public static final int MAX_COTONOMAS = 1000;
  private final Db db;
  private final AuthorRepository authors;
  private final TimelineEventRepository events;
  private final EventPublisher publisher;

  public Authors(Db db, AuthorRepository authors, TimelineEventRepository events, EventPublisher publisher) {
    this.db = db;
    this.authors = authors;
    this.events = events;
    this.publisher = publisher;
  }

  /** Appends and, once committed, publishes {@code user-renamed}; answers how many timelines got it. */
  public Future<Integer> renamed(UserRename rename, String requestId) {
    UUID userId = UUID.fromString(rename.userId());
    JsonObject user = new JsonObject().put("id", userId.toString()).put("name", rename.name())
        .put("avatarUrl", Gravatar.url(rename.email()));
    return publisher.commit(db, conn -> authors.timelinesShowing(conn, userId, rename.email(), MAX_COTONOMAS)
        .compose(timelines -> events.append(conn, TimelineEventType.USER_RENAMED, new JsonObject().put("user", user),
            timelines))
        .map(written -> new Change<>(written.size(), written)), requestId);
  }
}
