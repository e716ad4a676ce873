package io.cotoami.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cotoami.common.registry.InstanceInfo;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ServiceProxyTest {

  @Test
  @DisplayName("GET, HEAD and a JSON POST carrying a clientId may be sent twice; other requests may not")
  void idempotentRequests() {
    assertTrue(ServiceProxy.isIdempotent(HttpMethod.GET, null));
    assertTrue(ServiceProxy.isIdempotent(HttpMethod.HEAD, Buffer.buffer()));
    assertTrue(ServiceProxy.isIdempotent(HttpMethod.POST, Buffer.buffer("{\"content\":\"x\",\"clientId\":\"c-1\"}")));
    assertFalse(ServiceProxy.isIdempotent(HttpMethod.POST, Buffer.buffer("{\"content\":\"x\"}")));
    assertFalse(ServiceProxy.isIdempotent(HttpMethod.POST, Buffer.buffer("{\"clientId\":\"  \"}")));
    assertFalse(ServiceProxy.isIdempotent(HttpMethod.POST, Buffer.buffer("{\"clientId\":42}")));
    assertFalse(ServiceProxy.isIdempotent(HttpMethod.POST, Buffer.buffer("not json")));
    assertFalse(ServiceProxy.isIdempotent(HttpMethod.PUT, Buffer.buffer("{\"clientId\":\"c-1\"}")));
    assertFalse(ServiceProxy.isIdempotent(HttpMethod.DELETE, null));
  }

  @Test
  @DisplayName("A route cookie names exactly one instance, reveals nothing of it, and a forged one names none")
  void routeCookies() {
    AffinityCookies cookies = new AffinityCookies("a-secret-of-at-least-thirty-two-chars".getBytes());
    InstanceInfo a = instance("host-1-aaa", 8081);
    InstanceInfo b = instance("host-2-bbb", 8082);
    String valueA = cookies.valueFor(a);
    assertEquals(24, valueA.length());
    assertFalse(valueA.contains("host") || valueA.contains("8081"));
    assertEquals(a, cookies.resolve(valueA, List.of(a, b)).orElseThrow());
    assertEquals(b, cookies.resolve(cookies.valueFor(b), List.of(a, b)).orElseThrow());
    assertTrue(cookies.resolve(valueA, List.of(b)).isEmpty(), "an instance that is gone is named by nothing");
    String forged = (valueA.charAt(0) == 'A' ? 'B' : 'A') + valueA.substring(1);
    assertTrue(cookies.resolve(forged, List.of(a, b)).isEmpty());
    assertTrue(cookies.resolve(null, List.of(a, b)).isEmpty());
    AffinityCookies otherSecret = new AffinityCookies("another-secret-of-thirty-two-characters".getBytes());
    assertTrue(otherSecret.resolve(valueA, List.of(a, b)).isEmpty(), "values are bound to the secret");
  }

  private static InstanceInfo instance(String id, int port) {
    return new InstanceInfo("coto-service", id, "node-" + id, "127.0.0.1", port, InstanceInfo.State.READY, 0);
  }
}
