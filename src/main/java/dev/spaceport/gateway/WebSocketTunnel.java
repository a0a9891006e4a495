package dev.spaceport.gateway;

import dev.spaceport.gateway.SpaceDirectory.SpaceKey;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetSocket;
import java.util.function.Consumer;

/**
 * A visitor's WebSocket to a Space's pod: the upgrade is passed to the pod and, once it answers
 * 101, the two sockets are joined byte for byte. Written here rather than left to vertx-http-proxy,
 * whose tunnel exposes neither the traffic nor the close of a socket: the gateway needs both, so
 * that an open WebSocket (Streamlit keeps one per tab) keeps its Space awake while it is in use.
 */
final class WebSocketTunnel {

  private final HttpClient pods;
  private final PodConnector connector;
  private final ForwardedHeaders forwarded;

  WebSocketTunnel(HttpClient pods, PodConnector connector, ForwardedHeaders forwarded) {
    this.pods = pods;
    this.connector = connector;
    this.forwarded = forwarded;
  }

  /**
   * @param stream the visitor's stream, open from the upgrade request on; null when it does not
   *     count
   * @param closed called with {@code stream} when the tunnel ends, or could not be made
   */
  void handle(
      HttpServerRequest request,
      SpaceKey key,
      OpenStreams.Stream stream,
      Consumer<OpenStreams.Stream> closed) {
    request.pause();
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    request
        .headers()
        .forEach(
            h -> {
              if (!h.getKey().equalsIgnoreCase("Host")) {
                headers.add(h.getKey(), h.getValue());
              }
            });
    // Some browsers send "Connection: keep-alive, Upgrade", which apps' servers refuse.
    headers.set(HttpHeaders.CONNECTION, HttpHeaders.UPGRADE);
    forwarded.set(request, headers);
    connector
        .connect(
            pods,
            key,
            address ->
                new RequestOptions()
                    .setServer(address)
                    .setHost(address.host())
                    .setPort(address.port())
                    .setMethod(HttpMethod.GET)
                    .setURI(request.uri())
                    .setHeaders(headers))
        .compose(
            upgrade -> {
              request.resume();
              return upgrade.connect();
            })
        .onComplete(
            done -> {
              if (done.failed()) {
                closed.accept(stream);
                if (done.cause() instanceof Unavailable unavailable) {
                  Unavailable.respond(request.response(), unavailable.reason());
                } else {
                  request.response().setStatusCode(502).end();
                }
                return;
              }
              var answer = done.result();
              if (answer.statusCode() != 101) {
                closed.accept(stream);
                request.response().setStatusCode(answer.statusCode()).end();
                return;
              }
              request.response().setStatusCode(101).headers().addAll(answer.headers());
              NetSocket toPod = answer.netSocket();
              request
                  .toNetSocket()
                  .onFailure(
                      failure -> {
                        toPod.close();
                        closed.accept(stream);
                      })
                  .onSuccess(toVisitor -> join(toVisitor, toPod, stream, closed));
            });
  }

  private static void join(
      NetSocket visitor,
      NetSocket pod,
      OpenStreams.Stream stream,
      Consumer<OpenStreams.Stream> closed) {
    visitor.handler(
        bytes -> {
          touch(stream);
          pod.write(bytes);
        });
    pod.handler(
        bytes -> {
          touch(stream);
          visitor.write(bytes);
        });
    visitor.closeHandler(
        v -> {
          pod.close();
          closed.accept(stream);
        });
    pod.closeHandler(
        v -> {
          visitor.close();
          closed.accept(stream);
        });
  }

  private static void touch(OpenStreams.Stream stream) {
    if (stream != null) {
      stream.touch(System.currentTimeMillis());
    }
  }
}
