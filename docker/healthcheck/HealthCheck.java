import java.net.HttpURLConnection;
import java.net.URI;

/**
 * The images' HEALTHCHECK: exits 0 when {@code GET /health/ready} on the management port
 * ({@code MANAGEMENT_PORT}, default 9090) answers 2xx within two seconds, 1 otherwise. It asks
 * {@code MANAGEMENT_HOST} (default {@code HTTP_HOST}) or, when that is a wildcard address, 127.0.0.1.
 *
 * <p>Why Java and not curl: the runtime image must have a JVM, while curl and wget in the base
 * image are there "for historical reasons" and may go. The Dockerfiles compile this file in their
 * build stage; it needs only java.base. Tested by deploy-checks (HealthCheckTest).
 */
public final class HealthCheck {
  private HealthCheck() {
  }

  public static void main(String[] args) {
    String port = System.getenv().getOrDefault("MANAGEMENT_PORT", "9090");
    String path = args.length > 0 ? args[0] : "/health/ready";
    try {
      HttpURLConnection connection =
          (HttpURLConnection) URI.create("http://" + host() + ":" + port + path).toURL().openConnection();
      connection.setConnectTimeout(2000);
      connection.setReadTimeout(2000);
      connection.setUseCaches(false);
      int status = connection.getResponseCode();
      connection.disconnect();
      if (status >= 200 && status < 300) {
        System.exit(0);
      }
      System.err.println("unhealthy: " + path + " answered " + status);
    } catch (Exception e) {
      System.err.println("unhealthy: " + path + ": " + e);
    }
    System.exit(1);
  }

  private static String host() {
    String host = System.getenv("MANAGEMENT_HOST");
    if (host == null || host.isBlank()) {
      host = System.getenv("HTTP_HOST");
    }
    if (host == null || host.isBlank() || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
      return "127.0.0.1";
    }
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }
}
