package dev.spaceport.gateway;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyResponse;

/**
 * Tells the app where the visitor came from (Gradio builds its URLs from these), keeping what an
 * ingress in front already said; and answers for a Space that cannot ({@link Unavailable}).
 */
final class ForwardedHeaders implements ProxyInterceptor {

  @Override
  public Future<ProxyResponse> handleProxyRequest(ProxyContext ctx) {
    set(ctx.request().proxiedRequest(), ctx.request().headers());
    return ctx.sendRequest()
        .recover(
            failure -> {
              if (!(failure instanceof Unavailable unavailable)) {
                return Future.failedFuture(failure);
              }
              Unavailable.Reason reason = unavailable.reason();
              ProxyResponse answer =
                  ctx.request()
                      .response()
                      .setStatusCode(reason.status())
                      .putHeader("Content-Type", "text/plain; charset=utf-8")
                      .setBody(Body.body(Buffer.buffer(reason.message() + "\n")));
              if (reason.retryLater()) {
                answer.putHeader("Retry-After", GatewayPages.RETRY_AFTER_SECONDS);
              }
              return Future.succeededFuture(answer);
            });
  }

  /** Sets the X-Forwarded-* headers of a request to a Space's pod from the visitor's request. */
  static void set(HttpServerRequest in, MultiMap headers) {
    if (!headers.contains("X-Forwarded-Host")) {
      headers.set(
          "X-Forwarded-Host",
          in.authority() != null ? in.authority().toString() : in.getHeader("Host"));
    }
    if (!headers.contains("X-Forwarded-Proto")) {
      headers.set("X-Forwarded-Proto", in.scheme());
    }
    String client = in.remoteAddress() == null ? null : in.remoteAddress().hostAddress();
    if (client != null) {
      String prior = headers.get("X-Forwarded-For");
      headers.set("X-Forwarded-For", prior == null ? client : prior + ", " + client);
    }
  }
}
