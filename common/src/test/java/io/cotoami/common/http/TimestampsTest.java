package io.cotoami.common.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TimestampsTest {
  @Test
  @DisplayName("Every timestamp is UTC with exactly three fraction digits, whatever precision or offset it had")
  void oneFormat() {
    assertEquals("2025-11-25T09:12:03.000Z", Timestamps.format(Instant.parse("2025-11-25T09:12:03Z")));
    assertEquals("2025-11-25T09:12:03.120Z", Timestamps.format(Instant.parse("2025-11-25T09:12:03.12Z")));
    assertEquals("2025-11-25T09:12:03.123Z", Timestamps.format(Instant.parse("2025-11-25T09:12:03.123456789Z")));
    assertEquals("2025-11-25T00:12:03.500Z",
        Timestamps.format(OffsetDateTime.of(2025, 11, 25, 9, 12, 3, 500_000_000, ZoneOffset.ofHours(9))));
    assertNull(Timestamps.format((Instant) null));
  }
}
