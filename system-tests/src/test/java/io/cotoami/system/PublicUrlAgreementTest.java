package io.cotoami.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cotoami.auth.AuthServiceConfig;
import io.cotoami.auth.AuthServiceMain;
import io.cotoami.common.config.PgConfig;
import io.cotoami.common.runtime.ServiceInstance;
import io.cotoami.gateway.GatewayConfig;
import io.cotoami.gateway.GatewayMain;
import io.cotoami.infra.PostgresServer;
import io.cotoami.infra.RedisServer;
import io.cotoami.infra.SessionKeyPair;
import io.cotoami.infra.TestConfigs;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The gateway allows PUBLIC_URL's origin and auth-service mails links to its PUBLIC_URL: when the two
 * differ, sign-in links lead elsewhere. The gateway sees each auth-service's in its announcement.
 */
class PublicUrlAgreementTest {

  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  @DisplayName("A gateway stays ready beside an auth-service with its PUBLIC_URL, turns unready naming a second one announcing another, and is ready again when that one leaves")
  void gatewayRefusesReadinessOnAMismatch() throws Exception {
    String cluster = TestConfigs.newClusterName();
    try (PostgresServer postgres = PostgresServer.startTemporary(); RedisServer redis = RedisServer.startTemporary()) {
      PgConfig pg = postgres.ensureDatabase("cotoami", "cotoami", "secret");
      Map<String, String> stores = new HashMap<>(TestConfigs.stores(pg, redis));
      stores.putAll(SessionKeyPair.generate().env());
      ServiceInstance gateway = Http.await(GatewayMain.start(GatewayConfig.fromEnv(
          TestConfigs.of(cluster, Map.of("PUBLIC_URL", "https://cotoami.test")))));
      ServiceInstance agreeing = null;
      ServiceInstance stray = null;
      try (Http http = new Http(gateway.httpPort()); Http management = new Http(gateway.managementPort())) {
        // A trailing slash is the same address.
        agreeing = Http.await(AuthServiceMain.start(AuthServiceConfig.fromEnv(TestConfigs.of(cluster,
            with(stores, "PUBLIC_URL", "https://cotoami.test/")))));
        String agreeingId = agreeing.config().instanceId();
        http.until("/api/instances", r -> r.bodyAsString().contains(agreeingId), 30);
        assertEquals(200, management.until("/health/ready", r -> r.statusCode() == 200, 30).statusCode(),
            "the same PUBLIC_URL: ready");

        stray = Http.await(AuthServiceMain.start(AuthServiceConfig.fromEnv(TestConfigs.of(cluster,
            with(stores, "PUBLIC_URL", "http://localhost:8080")))));
        String strayId = stray.config().instanceId();
        HttpResponse<Buffer> unready = management.until("/health/ready", r -> r.statusCode() == 503, 30);
        String body = unready.bodyAsString();
        assertTrue(body.contains("auth-service-public-url") && body.contains(strayId)
            && body.contains("http://localhost:8080") && !body.contains(agreeingId), body);

        Http.await(stray.shutdown());
        stray = null;
        assertEquals(200, management.until("/health/ready", r -> r.statusCode() == 200, 30).statusCode(),
            "ready again once the stray instance has left");
      } finally {
        Http.shutdown(stray, agreeing, gateway);
      }
    }
  }

  private static Map<String, String> with(Map<String, String> stores, String key, String value) {
    Map<String, String> env = new HashMap<>(stores);
    env.put(key, value);
    return env;
  }
}
