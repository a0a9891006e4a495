package dev.spaceport.gateway;

import dev.spaceport.gateway.SpaceDirectory.SpaceKey;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.ConnectException;
import java.util.function.Function;

/**
 * Connects a visitor's request to a ready pod of its Space, after a wake if need be. A pod can turn
 * Ready a moment before its app listens (a readiness probe on another port, a kubelet's timing): a
 * refused connection has sent nothing, so it is tried again with a short backoff for up to {@link
 * #RETRY_BUDGET_MS}, and a visitor gets the answer or a 503 with Retry-After, never a 502 for it.
 */
final class PodConnector {

  /** Three failed readiness probes' worth: an app still refusing then is down, not starting. */
  static final long RETRY_BUDGET_MS = 15_000;

  private static final long FIRST_BACKOFF_MS = 50;
  private static final long MAX_BACKOFF_MS = 1_000;

  private final Vertx vertx;
  private final WakeCoordinator wake;

  PodConnector(Vertx vertx, WakeCoordinator wake) {
    this.vertx = vertx;
    this.wake = wake;
  }

  /** The request to the pod, built from its address by {@code options}. */
  Future<HttpClientRequest> connect(
      HttpClient client, SpaceKey key, Function<SocketAddress, RequestOptions> options) {
    return attempt(
        client, key, options, System.currentTimeMillis() + RETRY_BUDGET_MS, FIRST_BACKOFF_MS);
  }

  private Future<HttpClientRequest> attempt(
      HttpClient client,
      SpaceKey key,
      Function<SocketAddress, RequestOptions> options,
      long deadline,
      long backoff) {
    return wake.readyPod(key)
        .compose(address -> client.request(options.apply(address)))
        .recover(
            failure -> {
              if (!(failure instanceof ConnectException)) {
                return Future.failedFuture(failure);
              }
              if (System.currentTimeMillis() + backoff > deadline) {
                return Future.failedFuture(new Unavailable(Unavailable.Reason.NOT_LISTENING));
              }
              Promise<HttpClientRequest> retried = Promise.promise();
              vertx.setTimer(
                  backoff,
                  t ->
                      attempt(client, key, options, deadline, Math.min(MAX_BACKOFF_MS, backoff * 2))
                          .onComplete(retried));
              return retried.future();
            });
  }
}
