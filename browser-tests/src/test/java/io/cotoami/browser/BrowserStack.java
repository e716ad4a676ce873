package io.cotoami.browser;

import io.cotoami.auth.AuthServiceConfig;
import io.cotoami.auth.AuthServiceMain;
import io.cotoami.common.config.PgConfig;
import io.cotoami.common.runtime.ServiceInstance;
import io.cotoami.coto.CotoServiceConfig;
import io.cotoami.coto.CotoServiceMain;
import io.cotoami.gateway.GatewayConfig;
import io.cotoami.gateway.GatewayMain;
import io.cotoami.infra.FreePorts;
import io.cotoami.infra.PostgresServer;
import io.cotoami.infra.RedisServer;
import io.cotoami.infra.SessionKeyPair;
import io.cotoami.infra.SmtpServer;
import io.cotoami.infra.TestConfigs;
import io.cotoami.mail.MailServiceConfig;
import io.cotoami.mail.MailServiceMain;
import io.vertx.core.Future;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The whole system as {@code ./cotoami up} runs it, in this JVM: a gateway in dev mode (so
 * {@code /dev/mail} shows the inbox), coto-service, auth-service and mail-service as clustered
 * nodes on embedded PostgreSQL, Redis and SMTP. The gateway listens on a port chosen up front so
 * that {@code PUBLIC_URL} (the allowed origin, the links in mails) is the address the browser opens.
 * That address is a {@link ContractProxy} in front of the gateway, which checks the page's traffic
 * against the API documents.
 */
final class BrowserStack implements AutoCloseable {
  private final PostgresServer postgres;
  private final RedisServer redis;
  private final SmtpServer smtp;
  private final DevInbox inbox;
  private final List<ServiceInstance> services;
  private final ContractProxy proxy;
  private final String baseUrl;

  private BrowserStack(PostgresServer postgres, RedisServer redis, SmtpServer smtp, DevInbox inbox,
                       List<ServiceInstance> services, ContractProxy proxy, String baseUrl) {
    this.postgres = postgres;
    this.redis = redis;
    this.smtp = smtp;
    this.inbox = inbox;
    this.services = services;
    this.proxy = proxy;
    this.baseUrl = baseUrl;
  }

  static BrowserStack start() throws Exception {
    String cluster = TestConfigs.newClusterName();
    PostgresServer postgres = PostgresServer.startTemporary();
    RedisServer redis = RedisServer.startTemporary();
    SmtpServer smtp = SmtpServer.start(0);
    DevInbox inbox = DevInbox.start(smtp);
    // The browsers open the contract proxy's port; the gateway listens behind it.
    int port = FreePorts.next();
    int gatewayPort = FreePorts.next();
    String baseUrl = "http://localhost:" + port;
    PgConfig pg = postgres.ensureDatabase("cotoami", "cotoami", "secret");
    SessionKeyPair keys = SessionKeyPair.generate();

    Map<String, String> gatewayEnv = new HashMap<>(keys.env());
    gatewayEnv.put("HTTP_PORT", String.valueOf(gatewayPort));
    gatewayEnv.put("PUBLIC_URL", baseUrl);
    gatewayEnv.put("DEV_MODE", "true");
    gatewayEnv.put("DEV_MAIL_URL", inbox.url());
    gatewayEnv.put("WS_PRESENCE_TTL", "6s");
    Map<String, String> cotoEnv = new HashMap<>(TestConfigs.stores(pg, redis));
    cotoEnv.putAll(keys.env());
    cotoEnv.put("PUBLIC_URL", baseUrl);
    cotoEnv.put("DEV_MODE", "true");
    Map<String, String> authEnv = new HashMap<>(cotoEnv);
    authEnv.put("PUBLIC_URL", baseUrl);
    authEnv.put("SIGNIN_IP_LIMIT", "1000");
    Map<String, String> mailEnv = new HashMap<>();
    mailEnv.put("REDIS_URL", redis.config().url());
    mailEnv.put("SMTP_HOST", "127.0.0.1");
    mailEnv.put("SMTP_PORT", String.valueOf(smtp.port()));
    mailEnv.put("SMTP_STARTTLS", "disabled");

    List<ServiceInstance> services = await(Future.all(
        GatewayMain.start(GatewayConfig.fromEnv(TestConfigs.of(cluster, gatewayEnv))),
        CotoServiceMain.start(CotoServiceConfig.fromEnv(TestConfigs.of(cluster, cotoEnv))),
        AuthServiceMain.start(AuthServiceConfig.fromEnv(TestConfigs.of(cluster, authEnv))),
        MailServiceMain.start(MailServiceConfig.fromEnv(TestConfigs.of(cluster, mailEnv))))).list();
    ContractProxy proxy = ContractProxy.start(port, gatewayPort);
    BrowserStack stack = new BrowserStack(postgres, redis, smtp, inbox, services, proxy, baseUrl);
    stack.awaitRouted();
    return stack;
  }

  /** The address a person would type, e.g. {@code http://localhost:41234/cotonomas/...}. */
  String url(String path) {
    return baseUrl + path;
  }

  /** The same address on another loopback alias, e.g. {@code http://127.0.0.1:41234/}. */
  String urlAt(String host, String path) {
    return baseUrl.replace("localhost", host) + path;
  }

  /**
   * What the page sent or was answered since the last call that the OpenAPI or AsyncAPI document
   * does not allow (checked by the contract proxy in front of the gateway); forgets it.
   */
  List<String> takeContractMismatches() throws InterruptedException {
    return proxy.takeMismatches();
  }

  /** The gateway's management port ({@code /health/*}, {@code /metrics}), never the public one. */
  String managementUrl(String path) {
    return "http://127.0.0.1:" + services.get(0).managementPort() + path;
  }

  /**
   * Waits until the gateway has heard from coto-service and auth-service, and every service is
   * ready (gateway and coto-service once they have read the revoked sessions from auth-service).
   */
  private void awaitRouted() throws Exception {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      String body = client.send(HttpRequest.newBuilder(URI.create(url("/api/instances"))).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      boolean ready = true;
      for (ServiceInstance service : services) {
        ready = ready && client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.managementPort()
            + "/health/ready")).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
      }
      if (body.contains("coto-service") && body.contains("auth-service") && ready) {
        return;
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    throw new IllegalStateException("the gateway never saw coto-service and auth-service");
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    // Together: each takes about three seconds to leave the cluster.
    await(Future.join(services.stream().map(ServiceInstance::shutdown).toList()));
    proxy.close();
    inbox.close();
    smtp.close();
    redis.close();
    postgres.close();
  }
}
