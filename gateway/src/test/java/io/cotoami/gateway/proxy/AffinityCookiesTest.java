package io.cotoami.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.cotoami.common.registry.InstanceInfo;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The route cookie names one instance to the gateways that share its secret, and nothing to anyone else. */
class AffinityCookiesTest {
  private final AffinityCookies cookies = new AffinityCookies("cluster secret".getBytes(StandardCharsets.UTF_8));
  private final InstanceInfo a = instance("coto-service", "a");
  private final InstanceInfo b = instance("coto-service", "b");

  private static InstanceInfo instance(String service, String id) {
    return new InstanceInfo(service, id, "node-" + id, "127.0.0.1", 8000, InstanceInfo.State.READY, 0, null);
  }

  @Test
  @DisplayName("An instance's cookie resolves to that instance among the candidates, and to none once it is gone")
  void resolvesItsInstance() {
    assertEquals(24, cookies.valueFor(a).length());
    assertEquals(Optional.of(a), cookies.resolve(cookies.valueFor(a), List.of(b, a)));
    assertEquals(Optional.of(b), cookies.resolve(cookies.valueFor(b), List.of(b, a)));
    assertEquals(Optional.empty(), cookies.resolve(cookies.valueFor(a), List.of(b)));
  }

  @Test
  @DisplayName("A cookie of another secret, a tampered one, garbage, a wrong length or none resolves to no instance")
  void forgedCookiesMatchNothing() {
    AffinityCookies other = new AffinityCookies("another secret".getBytes(StandardCharsets.UTF_8));
    String value = cookies.valueFor(a);
    String tampered = (value.charAt(0) == 'A' ? 'B' : 'A') + value.substring(1);
    for (String cookie : new String[] {other.valueFor(a), tampered, "x".repeat(24), value + "x",
        value.substring(1), "", null, "a"}) {
      assertEquals(Optional.empty(), cookies.resolve(cookie, List.of(a, b)), String.valueOf(cookie));
    }
  }

  @Test
  @DisplayName("The same instance id in two services gives two cookies: one service's cookie never pins another's")
  void perService() {
    InstanceInfo auth = instance("auth-service", "a");
    assertNotEquals(cookies.valueFor(a), cookies.valueFor(auth));
    assertEquals(Optional.empty(), cookies.resolve(cookies.valueFor(auth), List.of(a)));
    assertEquals("cotoami_route_coto_service", AffinityCookies.cookieName("coto-service"));
  }
}
