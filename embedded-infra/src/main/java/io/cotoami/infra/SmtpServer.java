package io.cotoami.infra;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.util.ArrayList;
import java.util.List;

/** A real SMTP server (GreenMail) on loopback that accepts every mail into an inbox we can read. */
public final class SmtpServer implements AutoCloseable {
  private final int port;
  private GreenMail greenMail;

  private SmtpServer(int port) {
    this.port = port;
  }

  public static SmtpServer start(int port) {
    SmtpServer server = new SmtpServer(port == 0 ? FreePorts.next() : port);
    server.startProcess();
    return server;
  }

  private void startProcess() {
    ServerSetup setup = new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP);
    setup.setServerStartupTimeout(10_000);
    greenMail = new GreenMail(setup).withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication());
    try {
      greenMail.start();
    } catch (RuntimeException e) {
      greenMail.stop();
      greenMail = null;
      // GreenMail fails on its own thread and reports only a start-up timeout; say what it was.
      throw new IllegalStateException("cannot listen for SMTP on 127.0.0.1:" + port
          + (inUse(port) ? ": the port is in use by another program" : ""), e);
    }
  }

  private static boolean inUse(int port) {
    try (java.net.ServerSocket probe = new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
      return false;
    } catch (java.io.IOException e) {
      return true;
    }
  }

  public int port() {
    return port;
  }

  /** Every message received since start, oldest first. */
  public List<MimeMessage> messages() {
    return List.of(greenMail.getReceivedMessages());
  }

  /** Every mail received since start, newest first, decoded for people. */
  public List<ReceivedMail> inbox() {
    MimeMessage[] received = greenMail.getReceivedMessages();
    List<ReceivedMail> mails = new ArrayList<>(received.length);
    for (int i = received.length - 1; i >= 0; i--) {
      mails.add(ReceivedMail.of(i + 1, received[i]));
    }
    return mails;
  }

  public void stop() {
    if (greenMail != null) {
      greenMail.stop();
      greenMail = null;
    }
  }

  public void restart() {
    stop();
    startProcess();
  }

  @Override
  public void close() {
    stop();
  }
}
