package io.cotoami.common.registry;

import io.vertx.core.json.JsonObject;

/**
 * What an instance announces about itself over the cluster.
 *
 * @param service    service name
 * @param instanceId stable unique id of the process
 * @param nodeId     its cluster member id, so a dead member's instances can be dropped at once
 * @param host       host the HTTP server is reachable at from other instances
 * @param port       bound HTTP port
 * @param state      whether it takes new clients
 * @param startedAt  epoch millis of process start
 */
public record InstanceInfo(String service, String instanceId, String nodeId, String host, int port, State state,
                           long startedAt) {

  public enum State { READY, DRAINING }

  public JsonObject toJson() {
    return new JsonObject()
        .put("service", service)
        .put("instanceId", instanceId)
        .put("nodeId", nodeId)
        .put("host", host)
        .put("port", port)
        .put("state", state.name())
        .put("startedAt", startedAt);
  }

  public static InstanceInfo fromJson(JsonObject json) {
    return new InstanceInfo(
        json.getString("service"),
        json.getString("instanceId"),
        json.getString("nodeId"),
        json.getString("host"),
        json.getInteger("port"),
        State.valueOf(json.getString("state")),
        json.getLong("startedAt", 0L));
  }

  public InstanceInfo withState(State newState) {
    return new InstanceInfo(service, instanceId, nodeId, host, port, newState, startedAt);
  }

  public boolean ready() {
    return state == State.READY;
  }
}
