package io.cotoami.common.log;

/** Service and instance stamped on every log line of this process; set once at start. */
public final class LogContext {
  private static volatile String service = "unknown";
  private static volatile String instance = "unknown";

  private LogContext() {
  }

  public static void set(String serviceName, String instanceId) {
    service = serviceName;
    instance = instanceId;
  }

  public static String service() {
    return service;
  }

  public static String instance() {
    return instance;
  }
}
