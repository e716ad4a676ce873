package io.cotoami.coto.anonymous;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.redis.client.impl.types.ErrorType;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class AnonymousWriteLimitsTest {

  @Test
  @DisplayName("IPv4 addresses count one by one; IPv6 addresses of one /64 count as one; anything else as itself, never looked up")
  void buckets() {
    assertEquals("203.0.113.7", AnonymousWriteLimits.bucket("203.0.113.7"));
    String a = AnonymousWriteLimits.bucket("2001:db8:1:2:aaaa::1");
    assertEquals(a, AnonymousWriteLimits.bucket("2001:0db8:0001:0002:ffff:ffff:ffff:ffff"));
    assertEquals(a, AnonymousWriteLimits.bucket("[2001:db8:1:2::9]"));
    assertTrue(a.endsWith("/64"), a);
    assertTrue(!a.equals(AnonymousWriteLimits.bucket("2001:db8:1:3::1")));
    assertEquals("not:an:address.example", AnonymousWriteLimits.bucket("not:an:address.example"));
    assertEquals("unknown", AnonymousWriteLimits.bucket("unknown"));
  }

  @Test
  @DisplayName("Redis refusing a write at its maxmemory is told apart from other failures")
  void outOfMemory() {
    assertTrue(AnonymousCotos.outOfMemory(ErrorType.create("OOM command not allowed when used memory > 'maxmemory'.")));
    assertTrue(!AnonymousCotos.outOfMemory(ErrorType.create("ERR unknown command")));
    assertTrue(!AnonymousCotos.outOfMemory(new RuntimeException((String) null)));
  }
}
