package io.cotoami.coto;

import io.cotoami.common.config.PgConfig;
import io.cotoami.common.runtime.ServiceInstance;
import io.cotoami.infra.NoRevocations;
import io.cotoami.infra.OnContext;
import io.cotoami.infra.PostgresServer;
import io.cotoami.infra.RedisServer;
import io.cotoami.infra.SessionKeyPair;
import io.cotoami.infra.TestConfigs;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * coto-service alone, for its own tests: on embedded PostgreSQL and Redis, with a session key
 * pair, a stand-in for auth-service's answer that nothing was revoked, and clients for its public
 * and management ports whose requests start on {@link #calls} (OnContext says why). Ready when
 * {@link #start} returns.
 */
public record CotoServiceHarness(PostgresServer postgres, RedisServer redis, PgConfig pg, SessionKeyPair keys,
                                 ServiceInstance service, Vertx clientVertx, OnContext calls, WebClient client,
                                 WebClient management) implements AutoCloseable {

  /** Starts it; {@code env} is added to (and overrides) the stores' and the keys' settings. */
  public static CotoServiceHarness start(Map<String, String> env) throws Exception {
    PostgresServer postgres = PostgresServer.startTemporary();
    RedisServer redis = RedisServer.startTemporary();
    PgConfig pg = postgres.ensureDatabase("cotoami", "cotoami", "secret");
    SessionKeyPair keys = SessionKeyPair.generate();
    Map<String, String> all = new HashMap<>(TestConfigs.stores(pg, redis));
    all.putAll(keys.env());
    all.putAll(env);
    ServiceInstance service = await(CotoServiceMain.start(
        CotoServiceConfig.fromEnv(TestConfigs.of(TestConfigs.newClusterName(), all))));
    // No auth-service here: this stands in for its answer that nothing was revoked.
    await(NoRevocations.serve(service.vertx()));
    Vertx clientVertx = Vertx.vertx();
    OnContext calls = new OnContext(clientVertx);
    WebClient client = WebClient.create(clientVertx, new WebClientOptions()
        .setDefaultHost("127.0.0.1").setDefaultPort(service.httpPort()));
    WebClient management = WebClient.create(clientVertx, new WebClientOptions()
        .setDefaultHost("127.0.0.1").setDefaultPort(service.managementPort()));
    CotoServiceHarness harness = new CotoServiceHarness(postgres, redis, pg, keys, service, clientVertx, calls,
        client, management);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (calls.await(() -> management.get("/health/ready").send()).statusCode() != 200) {
      if (System.nanoTime() > deadline) {
        harness.close();
        throw new AssertionError("coto-service not ready within 30 s (are the revocations known?)");
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
    return harness;
  }

  /** Stops the service, its clients, then the stores. */
  @Override
  public void close() throws Exception {
    try {
      await(service.shutdown());
      await(clientVertx.close());
    } finally {
      redis.close();
      postgres.close();
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
