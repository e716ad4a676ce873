package io.cotoami.common.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The registry's announcement, as the gateways read what every instance publishes on registry.events.*. */
class InstanceInfoContractTest {
  @Test
  @DisplayName("An announcement survives a trip through JSON, with and without a PUBLIC_URL, under the field names the gateways read")
  void roundTrip() {
    InstanceInfo plain = new InstanceInfo("coto-service", "host-42-abc", "node-1", "10.0.0.7", 8081,
        InstanceInfo.State.READY, 1_700_000_000_000L);
    InstanceInfo withUrl = new InstanceInfo("auth-service", "host-43-def", "node-2", "10.0.0.8", 8082,
        InstanceInfo.State.DRAINING, 1_700_000_000_001L, "https://cotoami.example");
    for (InstanceInfo info : new InstanceInfo[] {plain, withUrl}) {
      assertEquals(info, InstanceInfo.fromJson(new JsonObject(info.toJson().encode())));
    }
    assertEquals(new JsonObject().put("service", "coto-service").put("instanceId", "host-42-abc").put("nodeId", "node-1")
        .put("host", "10.0.0.7").put("port", 8081).put("state", "READY").put("startedAt", 1_700_000_000_000L),
        plain.toJson(), "the wire names");
    assertTrue(plain.ready());
    assertFalse(plain.withState(InstanceInfo.State.DRAINING).ready());
    assertEquals("https://cotoami.example", withUrl.withState(InstanceInfo.State.READY).publicUrl(),
        "a new state keeps the rest");
  }
}
