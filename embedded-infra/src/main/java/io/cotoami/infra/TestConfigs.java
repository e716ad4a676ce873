package io.cotoami.infra;

import io.cotoami.common.config.ClusterConfig;
import io.cotoami.common.config.Env;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Environment for service instances started by tests: loopback, free ports, and a cluster name of
 * their own so they never meet another test's (or a running dev stack's) cluster.
 */
public final class TestConfigs {
  private TestConfigs() {
  }

  private static final class DefaultKeys {
    static final SessionKeyPair PAIR = SessionKeyPair.generate();
  }

  /** The key pair every test instance verifies sessions with unless a test passes its own. */
  public static SessionKeyPair keys() {
    return DefaultKeys.PAIR;
  }

  public static String newClusterName() {
    return "test-" + UUID.randomUUID();
  }

  /** Variables every test instance gets, plus the given ones (which win). */
  public static Map<String, String> env(String clusterName, Map<String, String> extra) {
    Map<String, String> env = new HashMap<>();
    env.put("CLUSTER_NAME", clusterName);
    env.put("CLUSTER_HOST", "127.0.0.1");
    env.put("CLUSTER_PORT", String.valueOf(ClusterConfig.loopback(clusterName).port()));
    env.put("HTTP_HOST", "127.0.0.1");
    env.put("HTTP_PORT", "0");
    env.put("MANAGEMENT_PORT", "0");
    env.put("SHUTDOWN_GRACE_PERIOD", "5s");
    // Tests ask gateways which instance answered.
    env.put("DEBUG_ROUTES", "true");
    // The gateway and auth-service require it (and the gateway checks they agree).
    env.put("PUBLIC_URL", "http://localhost:8080");
    // Every test client posts from 127.0.0.1: the per-address anonymous write limit is for the
    // tests of that limit, which set their own.
    env.put("ANONYMOUS_WRITE_LIMIT", "1000000");
    // Services that verify sessions refuse to start without a key: tests that mint tokens pass
    // their own pair's variables, the others get one shared pair.
    env.putAll(DefaultKeys.PAIR.env());
    env.putAll(extra);
    return env;
  }

  public static Env of(String clusterName, Map<String, String> extra) {
    return new Env(env(clusterName, extra));
  }

  /** The variables that point a service at embedded PostgreSQL and Redis. */
  public static Map<String, String> stores(io.cotoami.common.config.PgConfig pg, RedisServer redis) {
    Map<String, String> env = new HashMap<>();
    env.put("PGHOST", pg.host());
    env.put("PGPORT", String.valueOf(pg.port()));
    env.put("PGDATABASE", pg.database());
    env.put("PGUSER", pg.user());
    env.put("PGPASSWORD", pg.password());
    env.put("REDIS_URL", redis.config().url());
    return env;
  }
}
