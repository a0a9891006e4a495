package dev.spaceport.gateway;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import java.util.function.Function;

/** Tells a visitor's open stream of every chunk of its response, so it counts while it flows. */
final class StreamTraffic implements ProxyInterceptor {

  private final Function<HttpServerRequest, OpenStreams.Stream> streamOf;

  StreamTraffic(Function<HttpServerRequest, OpenStreams.Stream> streamOf) {
    this.streamOf = streamOf;
  }

  @Override
  public Future<Void> handleProxyResponse(ProxyContext ctx) {
    OpenStreams.Stream stream = streamOf.apply(ctx.request().proxiedRequest());
    Body body = ctx.response().getBody();
    if (stream != null && body != null) {
      ctx.response()
          .setBody(Body.body(new TrafficReadStream(body.stream(), stream), body.length()));
    }
    return ctx.sendResponse();
  }
}
