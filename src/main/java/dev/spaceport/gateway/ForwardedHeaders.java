package dev.spaceport.gateway;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyResponse;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Tells the app where the visitor came from (Gradio builds its URLs from these), keeping what a
 * trusted ingress in front already said; and answers for a Space that cannot ({@link Unavailable}).
 */
final class ForwardedHeaders implements ProxyInterceptor {

  /** What a visitor could claim about itself and an app might believe. */
  private static final List<String> CLIENT_CLAIMS =
      List.of(
          "X-Forwarded-Host",
          "X-Forwarded-Proto",
          "X-Forwarded-For",
          "X-Forwarded-Port",
          "X-Real-IP",
          "Forwarded");

  private final List<IpSubnetFilterRule> trustedProxies;

  /**
   * @param trustedProxies CIDRs of the peers whose X-Forwarded-* headers are kept (the ingress
   *     controller's pods); from any other peer they are replaced, so a visitor cannot forge the
   *     address or host the app sees
   */
  ForwardedHeaders(List<String> trustedProxies) {
    this.trustedProxies =
        trustedProxies.stream()
            .map(cidr -> new IpSubnetFilterRule(cidr, IpFilterRuleType.ACCEPT))
            .toList();
  }

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
  void set(HttpServerRequest in, MultiMap headers) {
    if (!trusted(in.remoteAddress())) {
      CLIENT_CLAIMS.forEach(headers::remove);
    }
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

  boolean trusted(SocketAddress peer) {
    if (peer == null || peer.hostAddress() == null || trustedProxies.isEmpty()) {
      return false;
    }
    InetSocketAddress address = new InetSocketAddress(peer.hostAddress(), peer.port());
    return !address.isUnresolved()
        && trustedProxies.stream().anyMatch(rule -> rule.matches(address));
  }
}
