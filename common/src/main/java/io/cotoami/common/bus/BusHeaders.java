package io.cotoami.common.bus;

import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import java.time.Duration;

/** Headers carried by event-bus messages, so a request id follows a request across services. */
public final class BusHeaders {
  public static final String REQUEST_ID = "request-id";

  private BusHeaders() {
  }

  public static DeliveryOptions withRequestId(String requestId, Duration timeout) {
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(timeout.toMillis());
    if (requestId != null) {
      options.addHeader(REQUEST_ID, requestId);
    }
    return options;
  }

  public static String requestId(Message<?> message) {
    MultiMap headers = message.headers();
    return headers == null ? null : headers.get(REQUEST_ID);
  }
}
