package io.cotoami.mail;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A small SMTP server for faults GreenMail cannot play: it refuses recipients whose address starts
 * with {@code reject} with 550, and never answers for those starting with {@code stall} while
 * {@link #stalling} is on. Everyone else's mail is accepted and its recipient recorded.
 */
final class FakeSmtp implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final List<String> delivered = new CopyOnWriteArrayList<>();
  volatile boolean stalling = true;
  private NetServer server;

  static FakeSmtp start() throws Exception {
    FakeSmtp fake = new FakeSmtp();
    fake.server = fake.vertx.createNetServer().connectHandler(fake::session).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get();
    return fake;
  }

  int port() {
    return server.actualPort();
  }

  /** Recipients whose mail was accepted, in order. */
  List<String> delivered() {
    return delivered;
  }

  private void session(NetSocket socket) {
    String[] recipient = new String[1];
    boolean[] data = new boolean[1];
    socket.write("220 fake.smtp ESMTP\r\n");
    socket.handler(RecordParser.newDelimited("\r\n", line -> {
      String text = line.toString();
      if (data[0]) {
        if (text.equals(".")) {
          data[0] = false;
          delivered.add(recipient[0]);
          socket.write("250 2.0.0 queued\r\n");
        }
        return;
      }
      String command = text.toUpperCase(Locale.ROOT);
      if (command.startsWith("EHLO") || command.startsWith("HELO")) {
        socket.write("250 fake.smtp\r\n");
      } else if (command.startsWith("MAIL FROM")) {
        socket.write("250 2.1.0 ok\r\n");
      } else if (command.startsWith("RCPT TO")) {
        String address = text.substring(text.indexOf('<') + 1, text.indexOf('>'));
        if (address.startsWith("reject")) {
          socket.write("550 5.1.1 no such user\r\n");
        } else if (address.startsWith("stall") && stalling) {
          return; // silent: the client's send timeout must end this
        } else {
          recipient[0] = address;
          socket.write("250 2.1.5 ok\r\n");
        }
      } else if (command.equals("DATA")) {
        data[0] = true;
        socket.write("354 go ahead\r\n");
      } else if (command.equals("QUIT")) {
        socket.write("221 bye\r\n").onComplete(ar -> socket.close());
      } else {
        socket.write("250 ok\r\n");
      }
    }));
  }

  @Override
  public void close() throws Exception {
    Future<Void> closed = vertx.close();
    closed.toCompletionStage().toCompletableFuture().get();
  }
}
