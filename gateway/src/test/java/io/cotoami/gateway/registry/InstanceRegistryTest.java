package io.cotoami.gateway.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cotoami.common.registry.InstanceInfo;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Which instance the gateway routes a new client to, without a cluster: announcements are fed in directly. */
class InstanceRegistryTest {
  private final InstanceRegistry registry = new InstanceRegistry(null, null);

  private static InstanceInfo instance(String service, String id, InstanceInfo.State state) {
    return new InstanceInfo(service, id, "node-" + id, "127.0.0.1", 8000, state, 0, null);
  }

  private String pick(Set<String> excluded) {
    return registry.leastLoaded("coto-service", excluded).map(InstanceInfo::instanceId).orElse(null);
  }

  @Test
  @DisplayName("No ready instance, or every ready one excluded: none; draining ones and other services' are never chosen")
  void noneWhenNoneReady() {
    assertEquals(Optional.empty(), registry.leastLoaded("coto-service", Set.of()));
    registry.upsert(instance("coto-service", "a", InstanceInfo.State.DRAINING));
    registry.upsert(instance("auth-service", "b", InstanceInfo.State.READY));
    assertEquals(Optional.empty(), registry.leastLoaded("coto-service", Set.of()));
    registry.upsert(instance("coto-service", "c", InstanceInfo.State.READY));
    assertEquals("c", pick(Set.of()));
    assertEquals(null, pick(Set.of("c")));
  }

  @Test
  @DisplayName("The instance with the fewest requests in flight is chosen, and an excluded one is skipped")
  void fewestInFlight() {
    for (String id : List.of("a", "b", "c")) {
      registry.upsert(instance("coto-service", id, InstanceInfo.State.READY));
    }
    registry.outstanding("a").set(3);
    registry.outstanding("b").set(1);
    registry.outstanding("c").set(2);
    for (int i = 0; i < 5; i++) {
      assertEquals("b", pick(Set.of()), "wherever the round robin starts");
    }
    assertEquals("c", pick(Set.of("b")));
  }

  @Test
  @DisplayName("Among equally loaded instances, successive clients go round all of them")
  void roundRobinAmongEquals() {
    for (String id : List.of("a", "b", "c")) {
      registry.upsert(instance("coto-service", id, InstanceInfo.State.READY));
    }
    Set<String> chosen = new HashSet<>();
    List<String> order = new java.util.ArrayList<>();
    for (int i = 0; i < 6; i++) {
      String id = pick(Set.of());
      chosen.add(id);
      order.add(id);
    }
    assertEquals(Set.of("a", "b", "c"), chosen);
    assertEquals(order.subList(0, 3), order.subList(3, 6), "the same turn each round: " + order);
  }

  @Test
  @DisplayName("An instance found unreachable is not chosen again until it announces itself anew")
  void unreachableUntilAnnounced() {
    InstanceInfo a = instance("coto-service", "a", InstanceInfo.State.READY);
    registry.upsert(a);
    registry.unreachable(a);
    assertEquals(null, pick(Set.of()));
    registry.upsert(a);
    assertEquals("a", pick(Set.of()));
  }
}
