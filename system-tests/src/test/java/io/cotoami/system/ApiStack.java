package io.cotoami.system;

import io.cotoami.auth.AuthServiceConfig;
import io.cotoami.auth.AuthServiceMain;
import io.cotoami.common.config.PgConfig;
import io.cotoami.common.runtime.ServiceInstance;
import io.cotoami.coto.CotoServiceConfig;
import io.cotoami.coto.CotoServiceMain;
import io.cotoami.gateway.GatewayConfig;
import io.cotoami.gateway.GatewayMain;
import io.cotoami.infra.PostgresServer;
import io.cotoami.infra.RedisServer;
import io.cotoami.infra.SessionKeyPair;
import io.cotoami.infra.TestConfigs;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The API as a client meets it, in this JVM: a gateway, coto-service and auth-service clustered
 * on embedded PostgreSQL and Redis, with a session key pair and a mail-outbox key of their own
 * and a WebSocket client for live tests,
 * ready (every instance has read the revoked sessions) when {@link #start} returns. For the
 * system-test classes that only need the API through the gateway.
 */
record ApiStack(PostgresServer postgres, RedisServer redis, PgConfig pg, SessionKeyPair keys, byte[] outboxKey,
                ServiceInstance gateway, ServiceInstance coto, ServiceInstance auth, Http http,
                WebSocketClient sockets) implements AutoCloseable {

  /** A person with a valid session. */
  record User(String id, String email, String token) {
  }

  /** Starts the three services; {@code gatewayEnv} is added to the gateway's configuration. */
  static ApiStack start(Map<String, String> gatewayEnv) throws Exception {
    String cluster = TestConfigs.newClusterName();
    PostgresServer postgres = PostgresServer.startTemporary();
    RedisServer redis = RedisServer.startTemporary();
    PgConfig pg = postgres.ensureDatabase("cotoami", "cotoami", "secret");
    SessionKeyPair keys = SessionKeyPair.generate();
    byte[] outboxKey = new byte[32];
    new java.security.SecureRandom().nextBytes(outboxKey);
    Map<String, String> env = new HashMap<>(TestConfigs.stores(pg, redis));
    env.putAll(keys.env());
    env.put("MAIL_OUTBOX_KEY", Base64.getEncoder().encodeToString(outboxKey));
    Map<String, String> gateway = new HashMap<>(keys.env());
    gateway.putAll(gatewayEnv);
    List<ServiceInstance> started = Http.await(Future.all(
        GatewayMain.start(GatewayConfig.fromEnv(TestConfigs.of(cluster, gateway))),
        CotoServiceMain.start(CotoServiceConfig.fromEnv(TestConfigs.of(cluster, env))),
        AuthServiceMain.start(AuthServiceConfig.fromEnv(TestConfigs.of(cluster, env))))).list();
    Http http = new Http(started.get(0).httpPort());
    http.until("/api/instances", r -> r.bodyAsString().contains("coto-service")
        && r.bodyAsString().contains("auth-service"), 30);
    // Sessions are served once every instance has read the revoked sessions from auth-service.
    Http.awaitReady(started, 60);
    return new ApiStack(postgres, redis, pg, keys, outboxKey, started.get(0), started.get(1), started.get(2), http,
        started.get(0).vertx().createWebSocketClient());
  }

  /** A new person, named after their address's local part. */
  User user() {
    String id = UUID.randomUUID().toString();
    return user(id, "u" + id.substring(0, 8) + "@example.com");
  }

  /** A person with this id and address, named after its local part. */
  User user(String id, String email) {
    return new User(id, email, keys.token(gateway.vertx(), id, email, email.substring(0, email.indexOf('@'))));
  }

  /** One call through the gateway as {@code user} (null: none), with a JSON body or none. */
  HttpResponse<Buffer> call(User user, HttpMethod method, String path, JsonObject body) throws Exception {
    HttpRequest<Buffer> request = http.client().request(method, path).putHeader("Content-Type", "application/json");
    if (user != null) {
      request.putHeader("Authorization", "Bearer " + user.token());
    }
    return http.send(request, body == null ? null : Buffer.buffer(body.encode()));
  }

  /** Posts a coto (summary and cotonoma optional), answering its id. */
  String post(User user, String content, String summary, String cotonomaKey) throws Exception {
    JsonObject body = new JsonObject().put("content", content);
    if (summary != null) {
      body.put("summary", summary);
    }
    if (cotonomaKey != null) {
      body.put("cotonomaKey", cotonomaKey);
    }
    return ApiAsserts.created(call(user, HttpMethod.POST, "/api/cotos", body)).getString("id");
  }

  /** Creates a cotonoma (at home when {@code parentKey} is null), answering its key. */
  String cotonoma(User user, String name, String parentKey) throws Exception {
    JsonObject body = new JsonObject().put("name", name);
    if (parentKey != null) {
      body.put("parentKey", parentKey);
    }
    return ApiAsserts.created(call(user, HttpMethod.POST, "/api/cotonomas", body)).getString("key");
  }

  /** {@code owner} adds {@code with} as a member of the cotonoma {@code key}. */
  void share(User owner, String key, User with) throws Exception {
    ApiAsserts.created(call(owner, HttpMethod.POST, "/api/cotonomas/" + key + "/members",
        new JsonObject().put("email", with.email())));
  }

  /** Stops the services together, then the stores; the exchange check's findings fail here. */
  @Override
  public void close() throws Exception {
    try {
      // The test's sockets first: left open, they would hold the gateway's drain.
      Http.await(sockets.close());
      Http.shutdown(gateway, coto, auth);
      http.close();
    } finally {
      redis.close();
      postgres.close();
    }
  }
}
