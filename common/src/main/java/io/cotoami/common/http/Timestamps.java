package io.cotoami.common.http;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The one format of every timestamp the API answers: RFC 3339 in UTC with exactly three fraction
 * digits ({@code 2025-11-25T09:12:03.120Z}). {@link Instant#toString()} drops zero fractions and
 * keeps micro- or nanoseconds, so the same field came out in three shapes.
 */
public final class Timestamps {
  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private Timestamps() {
  }

  public static String format(Instant instant) {
    return instant == null ? null : FORMAT.format(instant);
  }

  public static String format(OffsetDateTime time) {
    return time == null ? null : FORMAT.format(time.toInstant());
  }
}
