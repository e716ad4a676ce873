package io.cotoami.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class EnvTest {

  @Test
  @DisplayName("Unset variables take laptop defaults")
  void defaults() {
    InstanceConfig config = InstanceConfig.fromEnv("coto-service", 8081, new Env(Map.of("CLUSTER_NAME", "mine")));
    assertEquals(8081, config.httpPort());
    assertEquals(64 * 1024, config.bodyLimit());
    assertEquals(Duration.ofSeconds(20), config.shutdownGrace());
    assertEquals("127.0.0.1", config.cluster().host());
    assertEquals(ClusterConfig.Discovery.TCP, config.cluster().discovery());
    assertTrue(config.instanceId().contains(String.valueOf(ProcessHandle.current().pid())));
  }

  @Test
  @DisplayName("Sizes, durations and choices are parsed in the forms the README documents")
  void parsesForms() {
    Env env = new Env(Map.of("CLUSTER_NAME", "mine", "HTTP_BODY_LIMIT", "1m", "SHUTDOWN_GRACE_PERIOD", "1500ms",
        "CLUSTER_DISCOVERY", "kubernetes", "CLUSTER_KUBERNETES_SERVICE_DNS", "cotoami-cluster.default.svc"));
    InstanceConfig config = InstanceConfig.fromEnv("gateway", 8080, env);
    assertEquals(1024 * 1024, config.bodyLimit());
    assertEquals(Duration.ofMillis(1500), config.shutdownGrace());
    assertEquals(ClusterConfig.Discovery.KUBERNETES, config.cluster().discovery());
  }

  @Test
  @DisplayName("Outside dev mode a service refuses to start without CLUSTER_NAME, so it never joins a stranger's cluster")
  void clusterNameRequired() {
    ConfigException e = assertThrows(ConfigException.class, () -> ClusterConfig.fromEnv(new Env(Map.of())));
    assertTrue(e.getMessage().startsWith("CLUSTER_NAME is required"), e.getMessage());
    e = assertThrows(ConfigException.class, () -> ClusterConfig.fromEnv(new Env(Map.of("DEV_MODE", "false", "CLUSTER_NAME", " "))));
    assertTrue(e.getMessage().startsWith("CLUSTER_NAME is required"), e.getMessage());
    assertEquals("ours", ClusterConfig.fromEnv(new Env(Map.of("CLUSTER_NAME", "ours"))).name());
  }

  @Test
  @DisplayName("In dev mode a user's services share a made-up cluster name that another user's do not, and that is not the old shared default")
  void devClusterName() {
    String name = ClusterConfig.fromEnv(new Env(Map.of("DEV_MODE", "true"))).name();
    assertEquals(ClusterConfig.devName(System.getProperty("user.name")), name);
    assertEquals(name, ClusterConfig.fromEnv(new Env(Map.of("DEV_MODE", "true"))).name());
    assertTrue(!ClusterConfig.devName("alice").equals(ClusterConfig.devName("bob")), "two users, two clusters");
    assertTrue(!name.equals("cotoami"), name);
    assertEquals("given", ClusterConfig.fromEnv(new Env(Map.of("DEV_MODE", "true", "CLUSTER_NAME", "given"))).name());
  }

  @Test
  @DisplayName("CLUSTER_HOST may be a host name: it is resolved to the address Hazelcast binds to, and an unknown one names the variable")
  void clusterHostByName() {
    ClusterConfig config = ClusterConfig.fromEnv(new Env(Map.of("CLUSTER_NAME", "mine", "CLUSTER_HOST", "localhost")));
    assertTrue(config.host().equals("127.0.0.1") || config.host().equals("0:0:0:0:0:0:0:1"), config.host());
    assertEquals(config.host(), config.publicHost());
    ConfigException e = assertThrows(ConfigException.class,
        () -> ClusterConfig.fromEnv(new Env(Map.of("CLUSTER_NAME", "mine", "CLUSTER_HOST", "no-such-host.invalid"))));
    assertTrue(e.getMessage().startsWith("Invalid CLUSTER_HOST='no-such-host.invalid'"), e.getMessage());
  }

  @Test
  @DisplayName("A malformed value fails with one message naming the variable, the value and what was expected")
  void malformedValueNamesTheVariable() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> InstanceConfig.fromEnv("gateway", 8080, new Env(Map.of("CLUSTER_NAME", "mine", "HTTP_PORT", "eighty"))));
    assertEquals("Invalid HTTP_PORT='eighty': expected an integer", e.getMessage());
    e = assertThrows(ConfigException.class,
        () -> InstanceConfig.fromEnv("gateway", 8080, new Env(Map.of("CLUSTER_NAME", "mine", "HTTP_PORT", "70000"))));
    assertTrue(e.getMessage().startsWith("Invalid HTTP_PORT='70000'"), e.getMessage());
    e = assertThrows(ConfigException.class,
        () -> ClusterConfig.fromEnv(new Env(Map.of("CLUSTER_DISCOVERY", "multicast"))));
    assertEquals("Invalid CLUSTER_DISCOVERY='multicast': expected one of tcp, kubernetes", e.getMessage());
    e = assertThrows(ConfigException.class,
        () -> ClusterConfig.fromEnv(new Env(Map.of("CLUSTER_DISCOVERY", "kubernetes"))));
    assertTrue(e.getMessage().contains("CLUSTER_KUBERNETES_SERVICE_DNS"));
    e = assertThrows(ConfigException.class, () -> RedisConfig.fromEnv(new Env(Map.of("REDIS_URL", "localhost:6379"))));
    assertTrue(e.getMessage().startsWith("Invalid REDIS_URL"), e.getMessage());
    e = assertThrows(ConfigException.class, () -> new Env(Map.of("X", "soon")).duration("X", Duration.ZERO));
    assertTrue(e.getMessage().contains("expected a duration"), e.getMessage());
  }
  @Test
  @DisplayName("Bounded integers and durations name the variable and the range when out of it")
  void bounds() {
    Env env = new Env(Map.of("CLUSTER_PORT_COUNT", "0", "PG_STATEMENT_TIMEOUT", "1m", "REDIS_COMMAND_TIMEOUT", "50ms"));
    assertEquals("Invalid CLUSTER_PORT_COUNT='0': expected an integer from 1 to 100",
        assertThrows(ConfigException.class, () -> ClusterConfig.fromEnv(env)).getMessage());
    assertEquals("Invalid PG_STATEMENT_TIMEOUT='1m': expected a duration from 100ms to 10s",
        assertThrows(ConfigException.class, () -> PgConfig.fromEnv(env)).getMessage());
    assertEquals("Invalid REDIS_COMMAND_TIMEOUT='50ms': expected a duration from 100ms to 10s",
        assertThrows(ConfigException.class, () -> RedisConfig.fromEnv(env)).getMessage());
    PgConfig pg = PgConfig.fromEnv(new Env(Map.of()));
    assertEquals(Duration.ofMillis(2500), pg.callTimeout(), "a call waits for a connection, then runs");
  }

  @Test
  @DisplayName("http(s) URLs are checked in one place: a host and an http or https scheme, trailing slash dropped")
  void httpUrls() {
    Env env = new Env(Map.of("PUBLIC_URL", "https://cotoami.example/", "DEV_MAIL_URL", "ftp://x", "OTHER", "nope"));
    assertEquals("https://cotoami.example", env.httpUrl("PUBLIC_URL", "http://localhost:8080").toString());
    assertEquals("Invalid DEV_MAIL_URL='ftp://x': expected an http(s) URL such as https://cotoami.example",
        assertThrows(ConfigException.class, () -> env.httpUrl("DEV_MAIL_URL", "http://127.0.0.1:8025")).getMessage());
    assertThrows(ConfigException.class, () -> env.httpUrl("OTHER", "http://localhost"));
    assertEquals("http://localhost:8080", env.httpUrl("UNSET", "http://localhost:8080").toString());
  }
}
