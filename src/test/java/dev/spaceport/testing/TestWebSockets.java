package dev.spaceport.testing;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.concurrent.TimeUnit;

/** A visitor's WebSocket through the gateway on loopback, with the Space's Host header. */
public final class TestWebSockets {

  private TestWebSockets() {}

  public static WebSocket open(Vertx vertx, int gatewayPort, String host, String uri)
      throws Exception {
    return vertx
        .createHttpClient()
        .webSocket(
            new WebSocketConnectOptions()
                .setHost("127.0.0.1")
                .setPort(gatewayPort)
                .setURI(uri)
                .addHeader("Host", host))
        .toCompletionStage()
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }
}
