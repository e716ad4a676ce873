package io.cotoami.devstack;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cotoami.infra.SmtpServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The dev stack's mail inbox page is a server like the others: HTTP/1.1 only, on loopback. */
class MailInboxTest {

  @Test
  @DisplayName("The mail inbox answers HTTP/1.1 and refuses HTTP/2 cleartext by prior knowledge")
  void noH2c() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (SmtpServer smtp = SmtpServer.start(0)) {
      HttpServer server = new MailInbox(smtp).listen(vertx, 0).await(10, TimeUnit.SECONDS);
      String http1 = exchange(server.actualPort(), 10_000, "GET /mail.json HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      assertTrue(http1.startsWith("HTTP/1.1 200"), http1);
      byte[] preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
      byte[] settings = {0, 0, 0, 4, 0, 0, 0, 0, 0};
      byte[] both = new byte[preface.length + settings.length];
      System.arraycopy(preface, 0, both, 0, preface.length);
      System.arraycopy(settings, 0, both, preface.length, settings.length);
      String h2 = exchange(server.actualPort(), 3000, both);
      // An HTTP/2 server answers the preface with a SETTINGS frame (type 4 at byte 3).
      assertFalse(h2.length() >= 9 && h2.charAt(0) == 0 && h2.charAt(3) == 4, "answered in HTTP/2");
      // Read as an HTTP/1 request line and refused in HTTP/1 framing (Vert.x answers "HTTP/2.0 501"), or closed.
      assertTrue(h2.isEmpty() || h2.matches("(?s)HTTP/\\d\\.\\d [45]\\d\\d .*"), h2);
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /** Sends the request; the answer is what comes until the server closes or stays silent for {@code silenceMs}. */
  private static String exchange(int port, int silenceMs, byte[] request) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      socket.setSoTimeout(silenceMs);
      OutputStream out = socket.getOutputStream();
      out.write(request);
      out.flush();
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      byte[] buffer = new byte[4096];
      try {
        for (int n; (n = socket.getInputStream().read(buffer)) > 0; ) {
          answer.write(buffer, 0, n);
        }
      } catch (SocketTimeoutException | java.net.SocketException done) {
        // what came is the answer
      }
      return answer.toString(StandardCharsets.ISO_8859_1);
    }
  }
}
