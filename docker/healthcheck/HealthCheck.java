import java.net.HttpURLConnection;
import java.net.URI;

/**
 * The images' HEALTHCHECK: exits 0 when {@code GET http://127.0.0.1:$HTTP_PORT/health/ready}
 * answers 2xx within two seconds, 1 otherwise.
 *
 * <p>Why Java and not curl: the runtime image must have a JVM, while curl and wget in the base
 * image are there "for historical reasons" and may go. The Dockerfiles compile this file in their
 * build stage; it needs only java.base. Tested by deploy-checks (HealthCheckTest).
 */
public final class HealthCheck {
  private HealthCheck() {
  }

  public static void main(String[] args) {
    String port = System.getenv().getOrDefault("HTTP_PORT", "8080");
    String path = args.length > 0 ? args[0] : "/health/ready";
    try {
      HttpURLConnection connection =
          (HttpURLConnection) URI.create("http://127.0.0.1:" + port + path).toURL().openConnection();
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
}
