package io.cotoami.common.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cotoami.common.config.ConfigException;
import io.cotoami.common.config.Env;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ClientAddressTest {
  private final ClientAddress ingress = ClientAddress.of("10.0.0.0/8,127.0.0.1");

  @Test
  @DisplayName("From a peer that is not a trusted proxy, X-Forwarded-For is ignored")
  void untrustedPeer() {
    assertEquals("203.0.113.9", ingress.resolve("203.0.113.9", List.of("1.2.3.4")));
    assertEquals("10.0.0.1", ClientAddress.of("none").resolve("10.0.0.1", List.of("1.2.3.4")));
  }

  @Test
  @DisplayName("From a trusted proxy, the header is read right to left, skipping only trusted hops; what a client prepends is ignored")
  void rightToLeft() {
    assertEquals("198.51.100.7", ingress.resolve("10.1.2.3", List.of("6.6.6.6, 198.51.100.7")));
    assertEquals("198.51.100.7", ingress.resolve("10.1.2.3", List.of("6.6.6.6, 198.51.100.7, 10.9.9.9")));
    assertEquals("198.51.100.7", ingress.resolve("10.1.2.3", List.of("6.6.6.6", "198.51.100.7")),
        "several headers are one list");
    assertEquals("10.9.9.9", ingress.resolve("10.1.2.3", List.of("10.9.9.9")), "all trusted: the leftmost");
    assertEquals("10.1.2.3", ingress.resolve("10.1.2.3", List.of()), "no header: the proxy itself");
    assertEquals("10.1.2.3", ingress.resolve("10.1.2.3", List.of("evil.example")), "no host names, no DNS");
    assertEquals("198.51.100.7", ingress.resolve("10.1.2.3", List.of("garbage, 198.51.100.7")));
  }

  @Test
  @DisplayName("CIDRs of IPv4 and IPv6 match by prefix; the default trusts loopback only; a bad list is one configuration error naming TRUSTED_PROXIES")
  void cidrs() {
    ClientAddress v6 = ClientAddress.of("2001:db8::/32, 192.168.0.0/16");
    assertTrue(v6.trusts("2001:db8:1::5"));
    assertFalse(v6.trusts("2001:db9::1"));
    assertTrue(v6.trusts("192.168.200.1"));
    assertFalse(v6.trusts("192.169.0.1"));
    ClientAddress defaults = ClientAddress.fromEnv(new Env(Map.of()));
    assertTrue(defaults.trusts("127.0.0.1"));
    assertTrue(defaults.trusts("::1"));
    assertFalse(defaults.trusts("10.0.0.1"));
    ConfigException bad = assertThrows(ConfigException.class,
        () -> ClientAddress.fromEnv(new Env(Map.of("TRUSTED_PROXIES", "10.0.0.0/33"))));
    assertTrue(bad.getMessage().contains("TRUSTED_PROXIES"));
    assertThrows(ConfigException.class, () -> ClientAddress.fromEnv(new Env(Map.of("TRUSTED_PROXIES", "ingress.local"))));
  }
}
