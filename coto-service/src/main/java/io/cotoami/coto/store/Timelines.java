package io.cotoami.coto.store;

import io.cotoami.common.bus.TimelineNames;
import java.util.UUID;

/** Names of timelines: what events are numbered by and what live clients subscribe to. */
public final class Timelines {
  private Timelines() {
  }

  /** Everything a user posted, wherever. */
  public static String home(UUID userId) {
    return TimelineNames.home(userId.toString());
  }

  /** What was posted in a cotonoma, by anyone allowed. */
  public static String cotonoma(String key) {
    return TimelineNames.cotonoma(key);
  }
}
