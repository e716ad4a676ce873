package io.cotoami.system;

import io.vertx.core.http.WebSocket;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A client of {@code /api/ws} for tests: a connected socket, the frames it received and how it
 * closed. Every frame it sends or receives is checked against the AsyncAPI document
 * ({@link LiveFrames}): a frame not as documented fails the test at the next read, or, when no
 * read came after it, once the socket is seen closed ({@link #closed} polled) or closed ({@link #close()}).
 */
final class LiveProbe implements AutoCloseable {
  final WebSocket ws;
  final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
  private final Queue<String> violations = new ConcurrentLinkedQueue<>();
  private volatile boolean reported;
  /**
   * The close status the server sent, or -1 when the connection ended without one. Waiting for it
   * also fails on a frame not as documented that no read reported: tests that end on a close read
   * no more frames.
   */
  final BlockingQueue<Short> closed = new LinkedBlockingQueue<>() {
    @Override
    public Short poll(long timeout, TimeUnit unit) throws InterruptedException {
      Short status = super.poll(timeout, unit);
      reportLeftovers();
      return status;
    }
  };

  LiveProbe(WebSocket ws) {
    this.ws = ws;
    ws.textMessageHandler(text -> {
      JsonObject frame = new JsonObject(text);
      String violation = LiveFrames.get().serverFrame(frame);
      if (violation != null) {
        violations.add(violation);
      }
      frames.add(frame);
    });
    ws.closeHandler(v -> closed.add(ws.closeStatusCode() == null ? -1 : ws.closeStatusCode()));
  }

  LiveProbe send(JsonObject frame) throws Exception {
    String violation = LiveFrames.get().clientFrame(frame);
    if (violation != null) {
      throw new AssertionError(violation);
    }
    Http.await(ws.writeTextMessage(frame.encode()));
    return this;
  }

  LiveProbe subscribe(String timeline, Long lastEventId) throws Exception {
    return send(new JsonObject().put("type", "subscribe").put("timeline", timeline).put("lastEventId", lastEventId));
  }

  /** The next frame of this type (others are skipped); fails after 20 s without one. */
  JsonObject next(String type) throws InterruptedException {
    while (true) {
      JsonObject frame = frames.poll(20, TimeUnit.SECONDS);
      String violation = violations.peek();
      if (violation != null) {
        reported = true;
        throw new AssertionError(violation);
      }
      if (frame == null) {
        throw new AssertionError("no '" + type + "' frame within 20 s");
      }
      if (type.equals(frame.getString("type"))) {
        return frame;
      }
    }
  }

  /** Waits for a presence frame listing exactly these user ids. */
  JsonObject viewers(List<String> userIds) throws InterruptedException {
    List<String> expected = userIds.stream().sorted().toList();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      JsonObject presence = next("presence");
      List<String> ids = presence.getJsonArray("viewers").stream().map(JsonObject.class::cast)
          .map(v -> v.getString("userId")).sorted().toList();
      if (ids.equals(expected)) {
        return presence;
      }
    }
    throw new AssertionError("no presence frame with exactly " + expected);
  }

  /** Closes the socket, then fails on any frame not as documented that no read reported. */
  @Override
  public void close() throws Exception {
    if (!ws.isClosed()) {
      Http.await(ws.close());
    }
    reportLeftovers();
  }

  private void reportLeftovers() {
    if (!reported && !violations.isEmpty()) {
      reported = true;
      throw new AssertionError(violations.size() + " frame(s) not as the AsyncAPI document says, never read: "
          + String.join("; ", violations));
    }
  }
}
