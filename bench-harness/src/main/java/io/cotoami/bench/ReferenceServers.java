package io.cotoami.bench;

import io.cotoami.common.cluster.ClusteredVertx;
import io.cotoami.common.config.ClusterConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.ServerWebSocket;
import java.util.LinkedHashSet;
import java.util.Set;

/** The references, each run as its own process by the harness ({@code BenchMain <name> ...}). */
final class ReferenceServers {
  static final String ECHO = "bench.echo";

  private ReferenceServers() {
  }

  /**
   * A bare Vert.x WebSocket broadcast server, one verticle (one event loop) like the gateway's:
   * {@code /ws} accepts anyone and answers any frame with {@code subscribed}; {@code POST /publish}
   * acknowledges, then writes the body to every socket.
   */
  static final class Broadcast extends VerticleBase {
    private final int port;
    private final Set<ServerWebSocket> sockets = new LinkedHashSet<>();

    Broadcast(int port) {
      this.port = port;
    }

    @Override
    public Future<?> start() {
      return vertx.createHttpServer()
          .webSocketHandler(ws -> {
            sockets.add(ws);
            ws.closeHandler(v -> sockets.remove(ws));
            ws.textMessageHandler(text -> ws.writeTextMessage("{\"type\":\"subscribed\"}"));
          })
          .requestHandler(request -> {
            if (request.path().equals("/publish")) {
              request.body().onSuccess(body -> {
                request.response().setStatusCode(200).end();
                String frame = body.toString();
                for (ServerWebSocket ws : sockets) {
                  ws.writeTextMessage(frame);
                }
              });
            } else {
              request.response().end("{\"status\":\"UP\"}");
            }
          })
          .listen(port, "127.0.0.1");
    }
  }

  static void broadcast(int port) {
    Vertx vertx = Vertx.vertx();
    vertx.deployVerticle(new Broadcast(port)).await();
    System.out.println("broadcast reference listening on " + port);
  }

  /** A bare Vert.x HTTP server: the start-up reference (a JVM, Vert.x and a bound port, nothing else). */
  static void hello(int port) {
    Vertx vertx = Vertx.vertx();
    vertx.createHttpServer().requestHandler(r -> r.response().end("{\"status\":\"UP\"}")).listen(port, "127.0.0.1")
        .await();
    System.out.println("hello listening on " + port);
  }

  /** A clustered Vert.x (the services' own cluster bootstrap) that echoes {@code bench.echo} requests. */
  static void echoNode(String cluster, int port) {
    Vertx vertx = ClusteredVertx.start(ClusterConfig.loopback(cluster), new SimpleMeterRegistry()).await().vertx();
    vertx.eventBus().<Object>consumer(ECHO, message -> message.reply(message.body())).completion().await();
    vertx.createHttpServer().requestHandler(r -> r.response().end("{\"status\":\"UP\"}")).listen(port, "127.0.0.1")
        .await();
    System.out.println("echo node in cluster " + cluster + ", HTTP on " + port);
  }
}
