package dev.spaceport.gateway;

import dev.spaceport.api.Space;
import dev.spaceport.config.SpaceportConfig;
import dev.spaceport.gateway.SpaceDirectory.SpaceKey;
import dev.spaceport.rules.SpaceDefaults;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.ProxyOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The gateway role (docs/architecture.md): one reverse proxy, built on vertx-http-proxy, in front
 * of every Space. Host → Space → a Ready pod's IP and app port; activity recorded; a sleeping Space
 * woken and its requests held until it answers. Streams (SSE, chunked, WebSocket) pass through
 * unbuffered and uncompressed.
 */
@ApplicationScoped
public class Gateway {

  private static final String HTML = "text/html; charset=utf-8";

  @Inject SpaceportConfig config;

  @Inject KubernetesClient client;

  @Inject Vertx vertx;

  @Inject MeterRegistry meters;

  private SpaceDirectory directory;
  private ActivityRecorder activity;
  private WakeCoordinator wake;
  private WakingStatus wakingStatus;
  private OpenStreams streams;
  private PodConnector connector;
  private ForwardedHeaders forwarded;
  private HeaderTimeouts headerTimeouts;
  private long maxBodyBytes;
  private VisitorAccess access;

  /** The open stream of each visitor's request being proxied, until its response ends. */
  private final Map<HttpServerRequest, OpenStreams.Stream> streamOf = new ConcurrentHashMap<>();

  /** Requests being proxied (WebSockets too), which a stopping gateway lets finish. */
  private final Set<HttpServerRequest> inFlight = ConcurrentHashMap.newKeySet();

  /**
   * The request each connection is serving: a closed connection finishes it, also where the
   * response's own end and close handlers do not fire (a client gone while the proxy waits).
   */
  private final Map<HttpConnection, HttpServerRequest> servingOn = new ConcurrentHashMap<>();

  private final CompletableFuture<Void> drained = new CompletableFuture<>();
  private volatile boolean stopping;

  private VisitorPolicy visitors;
  private GatewayMetrics metrics;
  private int port;
  private volatile boolean listening;
  private long flushTimer;

  void onStart(@Observes StartupEvent event) throws Exception {
    if (!config.roles().contains(SpaceportConfig.Role.GATEWAY)) {
      return;
    }
    SpaceportConfig.Gateway gateway = config.gateway();
    visitors = new VisitorPolicy(gateway.ignoredPaths(), gateway.ignoredUserAgents());
    metrics = new GatewayMetrics(meters);
    directory = new SpaceDirectory(config);
    directory.start(client);
    SpaceStatusWriter writer = new SpaceStatusWriter(client);
    activity = new ActivityRecorder(directory, writer);
    wake = new WakeCoordinator(vertx, directory, writer, gateway.maxHeldRequests(), metrics);
    wakingStatus = new WakingStatus(vertx, directory, wake);
    streams = new OpenStreams(gateway.streamIdleLimit().toMillis());
    connector = new PodConnector(vertx, wake);
    forwarded = new ForwardedHeaders(gateway.trustedProxies().orElse(List.of()));
    headerTimeouts =
        new HeaderTimeouts(
            vertx, gateway.headerTimeout().toMillis(), gateway.keepAliveTimeout().toMillis());
    maxBodyBytes = gateway.maxBodySize().asLongValue();
    access =
        new VisitorAccess(
            client,
            vertx,
            new SessionCookies(SessionKeys.load(client, gateway)),
            gateway.sessionTtl(),
            "https".equals(config.scheme()));

    // One server and one pool of pod connections per event loop (Vert.x shares the port between
    // them), so the gateway uses every core, as nginx does with a worker per core.
    port = gateway.port() != 0 ? gateway.port() : freeLoopbackPort();
    vertx
        .deployVerticle(
            () ->
                new AbstractVerticle() {
                  @Override
                  public void start(Promise<Void> started) {
                    HttpClient pods = podClient(vertx);
                    HttpProxy proxy = proxy(pods);
                    WebSocketTunnel tunnel = new WebSocketTunnel(pods, connector, forwarded);
                    // HTTP/1.1 as ingress controllers speak it to their backends; no h2c upgrade,
                    // no compression.
                    vertx
                        .createHttpServer(
                            new HttpServerOptions()
                                .setHost(gateway.host())
                                .setPort(port)
                                .setCompressionSupported(false)
                                .setHttp2ClearTextEnabled(false))
                        .connectionHandler(
                            connection -> {
                              headerTimeouts.opened(connection);
                              connection.closeHandler(v -> connectionClosed(connection));
                            })
                        .requestHandler(request -> handle(request, proxy, tunnel))
                        .listen()
                        .<Void>mapEmpty()
                        .onComplete(started);
                  }
                },
            new DeploymentOptions()
                .setInstances(
                    gateway.eventLoops().orElse(Runtime.getRuntime().availableProcessors())))
        .toCompletionStage()
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    listening = true;
    flushTimer =
        vertx.setPeriodic(
            gateway.activityFlushInterval().toMillis(),
            t ->
                vertx.executeBlocking(
                    () -> {
                      // An open stream in use is a visitor still there: its Space stays awake.
                      long now = System.currentTimeMillis();
                      streams.active(now).forEach(key -> activity.record(key, now));
                      activity.flush();
                      activity.connected(
                          streams.connected(now, gateway.activityFlushInterval().toMillis()),
                          Instant.ofEpochMilli(now));
                      return null;
                    },
                    false));
    Log.infof("gateway listening on %s:%d", gateway.host(), port);
  }

  /**
   * Keep-alive connections to the pods; no idle timeout and no decompression, so long generations,
   * Gradio's SSE heartbeats and WebSockets pass as they are.
   */
  private static HttpClient podClient(Vertx loop) {
    return loop.createHttpClient(
        new HttpClientOptions()
            .setKeepAlive(true)
            .setKeepAliveTimeout(60)
            .setConnectTimeout(5000)
            .setIdleTimeout(0)
            .setDecompressionSupported(false),
        new PoolOptions().setHttp1MaxSize(256));
  }

  private HttpProxy proxy(HttpClient http) {
    HttpProxy proxy =
        HttpProxy.reverseProxy(new ProxyOptions(), http); // WebSockets: WebSocketTunnel
    proxy.origin(
        ctx ->
            route(ctx.request().proxiedRequest())
                .map(
                    key ->
                        connector.connect(
                            ctx.client(), key, a -> new RequestOptions().setServer(a)))
                .orElseGet(() -> Future.failedFuture(new Unavailable(Unavailable.Reason.GONE))));
    proxy.addInterceptor(forwarded);
    proxy.addInterceptor(new StreamTraffic(streamOf::get));
    return proxy;
  }

  /** For `spaceport.gateway.port=0` (tests): every server instance must bind the same port. */
  private static int freeLoopbackPort() throws java.io.IOException {
    try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /**
   * SIGTERM: new requests and held ones are answered 503 with Retry-After (the Space is fine; this
   * gateway replica is going), requests already proxied get the drain timeout to finish.
   */
  void onStop(@Observes ShutdownEvent event) {
    if (directory == null) {
      return;
    }
    stopping = true;
    wake.stop();
    if (inFlight.isEmpty()) {
      drained.complete(null);
    }
    Duration drain = config.gateway().drainTimeout();
    try {
      drained.get(drain.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      Log.warnf("%d requests still open after the %s drain; closing them", inFlight.size(), drain);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    }
    vertx.cancelTimer(flushTimer);
    activity.flush();
    directory.stop();
  }

  /** Listening, and the routing table is complete: what the gateway's readiness probe waits for. */
  boolean ready() {
    return listening && directory.synced();
  }

  /** The port the gateway listens on (differs from the configured one when that is 0). */
  public int port() {
    return port;
  }

  private void handle(HttpServerRequest request, HttpProxy proxy, WebSocketTunnel tunnel) {
    long start = System.nanoTime();
    headerTimeouts.requestStarted(request.connection());
    boolean webSocket =
        VisitorPolicy.isWebSocket(request.method().name(), request.getHeader("Upgrade"));
    SpaceKey key = route(request).orElse(null);
    request
        .response()
        .endHandler(
            v -> {
              metrics.recordRequest(key, request.response(), System.nanoTime() - start);
              finished(request);
              if (!webSocket) {
                headerTimeouts.responseEnded(request.connection());
              }
            });
    if (stopping) {
      request.response().putHeader("Connection", "close");
      unavailable(request, Unavailable.Reason.STOPPING);
      return;
    }
    Space space = key == null ? null : directory.space(key).orElse(null);
    if (VisitorAccess.SIGN_IN_PATH.equals(request.path())) {
      access.signIn(request, host(request), Optional.ofNullable(space));
      return;
    }
    if (space == null) {
      respond(request, 404, HTML, GatewayPages.notFound());
      return;
    }
    if (VisitorAccess.isPrivate(space)) {
      // Nothing of a private Space, not even its waking page, before the visitor is known.
      request.pause();
      access
          .mayVisit(request, host(request), space)
          .onComplete(
              allowed -> {
                if (allowed.succeeded() && allowed.result()) {
                  VisitorAccess.stripCredentials(request);
                  // A body stays paused for the proxy, which resumes it as it sends; resuming
                  // here could deliver its first bytes before anyone reads them.
                  if (!hasBody(request)) {
                    request.resume();
                  }
                  serve(request, key, space, proxy, tunnel);
                } else {
                  respond(request, 404, HTML, GatewayPages.notFound());
                }
              });
      return;
    }
    serve(request, key, space, proxy, tunnel);
  }

  private void serve(
      HttpServerRequest request,
      SpaceKey key,
      Space space,
      HttpProxy proxy,
      WebSocketTunnel tunnel) {
    if (tooLarge(request)) {
      request.response().putHeader("Connection", "close");
      respond(request, 413, "text/plain; charset=utf-8", "The request body is too large.\n");
      return;
    }
    boolean ready = directory.readyPod(key).isPresent();
    String method = request.method().name();
    boolean counts = visitors.counts(method, request.path(), request.getHeader("User-Agent"));
    if (GatewayPages.STATUS_PATH.equals(request.path())) {
      wakingStatus.handle(request, key, space, ready, counts);
      return;
    }
    if (counts) {
      activity.record(key, System.currentTimeMillis());
    }
    boolean wantsHtml =
        VisitorPolicy.wantsHtml(method, request.getHeader("Accept"), request.getHeader("Upgrade"));
    if (ready) {
      forward(request, key, counts, proxy, tunnel);
    } else if (!counts) {
      // Health checks and crawlers neither wake a Space nor wait for one.
      unavailable(request, Unavailable.Reason.NOT_RUNNING);
    } else if (SpaceDefaults.paused(space)) {
      if (wantsHtml) {
        request.response().putHeader("Retry-After", GatewayPages.RETRY_AFTER_SECONDS);
        respond(request, 503, HTML, GatewayPages.paused(key.name()));
      } else {
        unavailable(request, Unavailable.Reason.PAUSED);
      }
    } else if (wantsHtml) {
      wake.requestWake(key, space);
      request
          .response()
          .putHeader("Retry-After", GatewayPages.RETRY_AFTER_SECONDS)
          .putHeader("Cache-Control", "no-store");
      respond(request, 503, HTML, GatewayPages.waking(key.name()));
    } else {
      forward(request, key, counts, proxy, tunnel);
    }
  }

  /**
   * To a ready pod of the Space, once it has one. A visitor's request is an open stream until its
   * response ends or its connection closes; a WebSocket, until the socket closes.
   */
  private void forward(
      HttpServerRequest request,
      SpaceKey key,
      boolean counts,
      HttpProxy proxy,
      WebSocketTunnel tunnel) {
    OpenStreams.Stream stream = counts ? streams.open(key, System.currentTimeMillis()) : null;
    inFlight.add(request);
    servingOn.put(request.connection(), request);
    if (VisitorPolicy.isWebSocket(request.method().name(), request.getHeader("Upgrade"))) {
      tunnel.handle(
          request,
          key,
          stream,
          closed -> {
            closeStream(closed);
            finished(request);
          });
      return;
    }
    if (stream != null) {
      streamOf.put(request, stream);
    }
    request.response().closeHandler(v -> finished(request));
    proxy.handle(request);
  }

  private void connectionClosed(HttpConnection connection) {
    headerTimeouts.closed(connection);
    HttpServerRequest request = servingOn.remove(connection);
    if (request != null) {
      finished(request);
    }
  }

  /** The request's response ended or its connection closed (either, or both, in any order). */
  private void finished(HttpServerRequest request) {
    servingOn.remove(request.connection(), request);
    closeStream(streamOf.remove(request));
    if (inFlight.remove(request) && stopping && inFlight.isEmpty()) {
      drained.complete(null);
    }
  }

  /** The sleep clock starts when a Space's last stream closes. */
  private void closeStream(OpenStreams.Stream stream) {
    if (stream != null && streams.close(stream)) {
      activity.record(stream.space(), System.currentTimeMillis());
    }
  }

  private static boolean hasBody(HttpServerRequest request) {
    String length = request.getHeader("Content-Length");
    return request.getHeader("Transfer-Encoding") != null
        || (length != null && !length.trim().equals("0"));
  }

  private boolean tooLarge(HttpServerRequest request) {
    String length = request.getHeader("Content-Length");
    try {
      return length != null && Long.parseLong(length.trim()) > maxBodyBytes;
    } catch (NumberFormatException e) {
      return false; // the HTTP codec has refused a malformed length already
    }
  }

  private Optional<SpaceKey> route(HttpServerRequest request) {
    String host =
        request.authority() != null ? request.authority().toString() : request.getHeader("Host");
    return directory.route(host);
  }

  /** The host a session cookie is for: the request's, without a port, in lower case. */
  private static String host(HttpServerRequest request) {
    String host =
        request.authority() != null ? request.authority().host() : request.getHeader("Host");
    return host == null ? "" : host.replaceAll(":[0-9]+$", "").toLowerCase(java.util.Locale.ROOT);
  }

  // A body nobody will read flows on (a private Space's request may still be paused), so the
  // connection can carry its next request.
  private static void unavailable(HttpServerRequest request, Unavailable.Reason reason) {
    request.resume();
    Unavailable.respond(request.response(), reason);
  }

  static void respond(HttpServerRequest request, int code, String type, String body) {
    request.resume();
    request.response().setStatusCode(code).putHeader("Content-Type", type).end(body);
  }
}
