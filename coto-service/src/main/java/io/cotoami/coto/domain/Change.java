package io.cotoami.coto.domain;

import io.cotoami.coto.store.TimelineEvent;
import java.util.List;

/** The result of a committed transaction and the events it wrote, to publish once it has committed. */
record Change<T>(T value, List<TimelineEvent> events) {
}
