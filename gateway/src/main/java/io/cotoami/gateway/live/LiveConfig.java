package io.cotoami.gateway.live;

import io.cotoami.common.config.ConfigException;
import io.cotoami.common.config.Env;

/**
 * Limits of the live WebSocket, so that no client holds unbounded memory in the gateway.
 *
 * @param maxSubscriptions   timelines one socket may follow at once
 * @param framesPerSecond    client frames allowed per second (bursts of twice that); more are refused
 * @param writeQueueBytes    what may wait unsent for a client before it counts as too slow and is closed
 * @param presenceTtl        how long a viewer stays listed after their gateway stops renewing it (dies)
 * @param presenceInterval   presence changes of a cotonoma within this interval are sent as one frame
 * @param pingInterval       the gateway pings every socket this often; one that answered none of the
 *                           last two pings with a pong is closed (a peer gone without a word)
 */
public record LiveConfig(int maxSubscriptions, int framesPerSecond, int writeQueueBytes,
                         java.time.Duration presenceTtl, java.time.Duration presenceInterval,
                         java.time.Duration pingInterval) {
  /** Frames (and messages) over this close the socket with 1009. */
  public static final int MAX_FRAME_BYTES = 64 * 1024;

  public static LiveConfig fromEnv(Env env) {
    LiveConfig config = new LiveConfig(
        env.integer("WS_MAX_SUBSCRIPTIONS", 20),
        env.integer("WS_MAX_FRAMES_PER_SECOND", 20),
        (int) Math.min(Integer.MAX_VALUE, env.bytes("WS_WRITE_QUEUE", 256 * 1024)),
        env.duration("WS_PRESENCE_TTL", java.time.Duration.ofSeconds(30)),
        env.duration("WS_PRESENCE_INTERVAL", java.time.Duration.ofSeconds(1)),
        env.duration("WS_PING_INTERVAL", java.time.Duration.ofSeconds(20)));
    if (config.pingInterval.toMillis() < 100) {
      throw new ConfigException("Invalid WS_PING_INTERVAL: expected at least 100ms");
    }
    if (config.presenceInterval.toMillis() < 10 || config.presenceInterval.compareTo(config.presenceTtl) >= 0) {
      throw new ConfigException("Invalid WS_PRESENCE_INTERVAL: expected at least 10ms and less than WS_PRESENCE_TTL");
    }
    if (config.maxSubscriptions < 1 || config.framesPerSecond < 1) {
      throw new ConfigException("Invalid WS_MAX_SUBSCRIPTIONS or WS_MAX_FRAMES_PER_SECOND: expected at least 1");
    }
    return config;
  }
}
