package io.cotoami.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The proxy in front of the gateway passes traffic through unchanged, and what breaks the documents is caught. */
@ExtendWith(StackExtension.class)
class ContractProxyTest {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  @DisplayName("A WebSocket frame the AsyncAPI document does not have, sent through the proxy, is reported; the gateway's answer reaches the client")
  void undocumentedFrameIsCaught(BrowserStack stack) throws Exception {
    CompletableFuture<String> answer = new CompletableFuture<>();
    WebSocket socket = http.newWebSocketBuilder().header("Origin", stack.url(""))
        .buildAsync(URI.create(stack.url("/api/ws").replace("http:", "ws:")), new WebSocket.Listener() {
          @Override
          public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            answer.complete(data.toString());
            return null;
          }
        }).get(10, TimeUnit.SECONDS);
    socket.sendText("{\"type\":\"no-such-frame\"}", true).get(5, TimeUnit.SECONDS);
    String reply = answer.get(10, TimeUnit.SECONDS);
    socket.abort();
    assertTrue(reply.contains("\"type\""), "the gateway answered through the proxy: " + reply);
    List<String> mismatches = stack.takeContractMismatches();
    assertTrue(mismatches.stream().anyMatch(m -> m.contains("no-such-frame")), "reported: " + mismatches);
  }

  @Test
  @DisplayName("An API answer passes through the proxy as the gateway gave it, and a documented exchange reports nothing")
  void documentedExchangePasses(BrowserStack stack) throws Exception {
    HttpResponse<String> session = http.send(HttpRequest.newBuilder(URI.create(stack.url("/api/session"))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, session.statusCode(), session.body());
    assertTrue(session.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    assertTrue(session.body().contains("\"anonymous\":true"), session.body());
    assertEquals(List.of(), stack.takeContractMismatches());
  }
}
