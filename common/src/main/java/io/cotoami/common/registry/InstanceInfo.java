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
 * @param publicUrl  the PUBLIC_URL the instance works with, for those that use one (auth-service
 *                   puts it in its sign-in links; the gateway checks it is its own), else null
 */
public record InstanceInfo(String service, String instanceId, String nodeId, String host, int port, State state,
                           long startedAt, String publicUrl) {

  public enum State { READY, DRAINING }

  public InstanceInfo(String service, String instanceId, String nodeId, String host, int port, State state,
                      long startedAt) {
    this(service, instanceId, nodeId, host, port, state, startedAt, null);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("service", service)
        .put("instanceId", instanceId)
        .put("nodeId", nodeId)
        .put("host", host)
        .put("port", port)
        .put("state", state.name())
        .put("startedAt", startedAt);
    return publicUrl == null ? json : json.put("publicUrl", publicUrl);
  }

  public static InstanceInfo fromJson(JsonObject json) {
    return new InstanceInfo(
        json.getString("service"),
        json.getString("instanceId"),
        json.getString("nodeId"),
        json.getString("host"),
        json.getInteger("port"),
        State.valueOf(json.getString("state")),
        json.getLong("startedAt", 0L),
        json.getString("publicUrl"));
  }

  public InstanceInfo withState(State newState) {
    return new InstanceInfo(service, instanceId, nodeId, host, port, newState, startedAt, publicUrl);
  }

  public boolean ready() {
    return state == State.READY;
  }
}
