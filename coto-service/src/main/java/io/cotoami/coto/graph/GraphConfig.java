package io.cotoami.coto.graph;

import io.cotoami.common.config.Env;

/**
 * The bounds of the graph, parsed once from the environment.
 *
 * @param connectionsPerCoto {@code GRAPH_CONNECTIONS_PER_COTO}: outgoing connections of one coto (default 100)
 * @param pinsPerStock       {@code GRAPH_PINS_PER_STOCK}: pins of one cotonoma or home (default 200)
 * @param maxDepth           {@code GRAPH_MAX_DEPTH}: the deepest a read may follow connections, and its default (8)
 * @param maxNodes           {@code GRAPH_MAX_NODES}: the most cotos one read answers (default 1000)
 */
public record GraphConfig(int connectionsPerCoto, int pinsPerStock, int maxDepth, int maxNodes) {
  public static GraphConfig fromEnv(Env env) {
    return new GraphConfig(
        env.integer("GRAPH_CONNECTIONS_PER_COTO", 100, 1, 10_000),
        env.integer("GRAPH_PINS_PER_STOCK", 200, 1, 10_000),
        env.integer("GRAPH_MAX_DEPTH", 8, 1, 64),
        env.integer("GRAPH_MAX_NODES", 1000, 1, 100_000));
  }
}
