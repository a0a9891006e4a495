package dev.spaceport.gateway;

import dev.spaceport.api.Space;
import dev.spaceport.config.SpaceportConfig;
import dev.spaceport.gateway.SpaceDirectory.SpaceKey;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.OriginRequestProvider;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyOptions;
import io.vertx.httpproxy.ProxyResponse;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.regex.Pattern;

/**
 * The gateway role (ARCHITECTURE §1, flows 2, 3 and 5): one reverse proxy, built on vertx-http-proxy,
 * in front of every Space. Host → Space → a Ready pod's IP and app port; activity recorded; a
 * sleeping Space woken and its requests held until it answers. Streams (SSE, chunked, WebSocket)
 * pass through unbuffered and uncompressed.
 */
@ApplicationScoped
public class Gateway {

    private static final String RETRY_AFTER_SECONDS = "10";
    private static final long STATUS_WAIT_MS = 10_000;

    @Inject
    SpaceportConfig config;

    @Inject
    KubernetesClient client;

    @Inject
    Vertx vertx;

    @Inject
    MeterRegistry meters;

    private SpaceDirectory directory;
    private ActivityRecorder activity;
    private WakeCoordinator wake;
    private int port;
    private volatile boolean listening;
    /** Meters per Space, built once: building them per request showed in profiles. */
    private final Map<SpaceKey, RequestMeters> requestMeters = new ConcurrentHashMap<>();
    private RequestMeters unroutedMeters;
    private Pattern ignoredUserAgents;
    private long flushTimer;

    void onStart(@Observes StartupEvent event) throws Exception {
        if (!config.roles().contains(SpaceportConfig.Role.GATEWAY)) {
            return;
        }
        SpaceportConfig.Gateway gateway = config.gateway();
        ignoredUserAgents = Pattern.compile(gateway.ignoredUserAgents());
        unroutedMeters = new RequestMeters("none", meters);
        directory = new SpaceDirectory(config);
        directory.start(client);
        SpaceStatusWriter writer = new SpaceStatusWriter(client);
        activity = new ActivityRecorder(directory, writer);
        wake = new WakeCoordinator(vertx, directory, writer, gateway.maxHeldRequests(), meters);

        // One server and one pool of pod connections per event loop (Vert.x shares the port between
        // them), so the gateway uses every core, as nginx does with a worker per core.
        port = gateway.port() != 0 ? gateway.port() : freeLoopbackPort();
        vertx.deployVerticle(() -> new AbstractVerticle() {
            @Override
            public void start(Promise<Void> started) {
                HttpProxy proxy = proxy(vertx);
                // HTTP/1.1 as ingress controllers speak it to their backends; no h2c upgrade, no compression.
                vertx.createHttpServer(new HttpServerOptions().setHost(gateway.host()).setPort(port)
                                .setCompressionSupported(false).setHttp2ClearTextEnabled(false))
                        .requestHandler(request -> handle(request, proxy))
                        .listen().<Void>mapEmpty().onComplete(started);
            }
        }, new DeploymentOptions().setInstances(gateway.eventLoops().orElse(Runtime.getRuntime().availableProcessors())))
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        listening = true;
        flushTimer = vertx.setPeriodic(gateway.activityFlushInterval().toMillis(),
                t -> vertx.executeBlocking(() -> {
                    activity.flush();
                    return null;
                }, false));
        Log.infof("gateway listening on %s:%d", gateway.host(), port);
    }

    /** Keep-alive connections to the pods; no idle timeout and no decompression, so long
     *  generations, Gradio's SSE heartbeats and WebSockets pass as they are. */
    private HttpProxy proxy(Vertx loop) {
        var http = loop.createHttpClient(new HttpClientOptions().setKeepAlive(true).setKeepAliveTimeout(60)
                .setConnectTimeout(5000).setIdleTimeout(0).setDecompressionSupported(false),
                new PoolOptions().setHttp1MaxSize(256));
        HttpProxy proxy = HttpProxy.reverseProxy(new ProxyOptions().setSupportWebSocket(true), http);
        proxy.origin(OriginRequestProvider.selector(ctx -> route(ctx.request().proxiedRequest())
                .map(wake::readyPod).orElseGet(() -> Future.failedFuture(new WakeCoordinator.Unavailable("gone")))));
        proxy.addInterceptor(new ForwardedHeaders());
        return proxy;
    }

    /** For `spaceport.gateway.port=0` (tests): every server instance must bind the same port. */
    private static int freeLoopbackPort() throws java.io.IOException {
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        if (directory == null) {
            return;
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

    private void handle(HttpServerRequest request, HttpProxy proxy) {
        long start = System.nanoTime();
        Optional<SpaceKey> routed = route(request);
        RequestMeters spaceMeters = routed.isEmpty() ? unroutedMeters
                : requestMeters.computeIfAbsent(routed.get(), key -> new RequestMeters(key.toString(), meters));
        request.response().endHandler(v -> spaceMeters.record(request.response(), System.nanoTime() - start));
        if (routed.isEmpty()) {
            respond(request, 404, "text/html; charset=utf-8", GatewayPages.notFound());
            return;
        }
        SpaceKey key = routed.get();
        Space space = directory.space(key).orElse(null);
        if (space == null) {
            respond(request, 404, "text/html; charset=utf-8", GatewayPages.notFound());
            return;
        }
        boolean ready = directory.readyPod(key).isPresent();
        if (GatewayPages.STATUS_PATH.equals(request.path())) {
            status(request, key, space, ready);
            return;
        }
        boolean counts = counts(request);
        if (counts) {
            activity.record(key, System.currentTimeMillis());
        }
        if (ready) {
            proxy.handle(request);
        } else if (!counts) {
            // Health checks and crawlers neither wake a Space nor wait for one.
            unavailable(request, "The Space is not running.");
        } else if (Boolean.TRUE.equals(space.getSpec().getPaused())) {
            if (wantsHtml(request)) {
                request.response().putHeader("Retry-After", RETRY_AFTER_SECONDS);
                respond(request, 503, "text/html; charset=utf-8", GatewayPages.paused(key.name()));
            } else {
                unavailable(request, "The Space is paused by its owner.");
            }
        } else if (wantsHtml(request)) {
            wake.requestWake(key, space);
            request.response().putHeader("Retry-After", RETRY_AFTER_SECONDS).putHeader("Cache-Control", "no-store");
            respond(request, 503, "text/html; charset=utf-8", GatewayPages.waking(key.name()));
        } else {
            proxy.handle(request);
        }
    }

    /**
     * The waking page's view of the Space. With {@code ?wait=1} it long-polls: the answer comes when
     * the Space is ready, or after {@link #STATUS_WAIT_MS} at the latest, so the page reloads at once.
     */
    private void status(HttpServerRequest request, SpaceKey key, Space space, boolean ready) {
        if (ready || request.getParam("wait") == null || Boolean.TRUE.equals(space.getSpec().getPaused())) {
            respond(request, 200, "application/json", statusJson(space, ready));
            return;
        }
        AtomicBoolean answered = new AtomicBoolean();
        Runnable answer = () -> {
            if (answered.compareAndSet(false, true)) {
                boolean nowReady = directory.readyPod(key).isPresent();
                respond(request, 200, "application/json", statusJson(directory.space(key).orElse(space), nowReady));
            }
        };
        long timer = vertx.setTimer(STATUS_WAIT_MS, t -> answer.run());
        wake.readyPod(key).onComplete(done -> {
            vertx.cancelTimer(timer);
            answer.run();
        });
    }

    private static String statusJson(Space space, boolean ready) {
        return new JsonObject().put("ready", ready).put("text", GatewayPages.stageText(space, ready)).encode();
    }

    private Optional<SpaceKey> route(HttpServerRequest request) {
        String host = request.authority() != null ? request.authority().toString() : request.getHeader("Host");
        return directory.route(host);
    }

    /** Whether a request is a visitor's: counts as activity and may wake the Space. */
    private boolean counts(HttpServerRequest request) {
        if (request.method() == HttpMethod.HEAD || config.gateway().ignoredPaths().contains(request.path())) {
            return false;
        }
        String agent = request.getHeader("User-Agent");
        return agent == null || !ignoredUserAgents.matcher(agent).matches();
    }

    private static boolean wantsHtml(HttpServerRequest request) {
        String accept = request.getHeader("Accept");
        return request.method() == HttpMethod.GET && accept != null && accept.contains("text/html")
                && !"websocket".equalsIgnoreCase(request.getHeader("Upgrade"));
    }

    private static void unavailable(HttpServerRequest request, String text) {
        request.response().putHeader("Retry-After", RETRY_AFTER_SECONDS);
        respond(request, 503, "text/plain; charset=utf-8", text + "\n");
    }

    private static void respond(HttpServerRequest request, int code, String type, String body) {
        request.response().setStatusCode(code).putHeader("Content-Type", type).end(body);
    }

    /** A Space's request meters: one timer per status code, and the response sizes. */
    private static final class RequestMeters {
        private final String space;
        private final MeterRegistry meters;
        private final DistributionSummary responseBytes;
        /** Indexed by status code, so a request neither builds a tag string nor boxes its code. */
        private final AtomicReferenceArray<Timer> byCode = new AtomicReferenceArray<>(600);

        RequestMeters(String space, MeterRegistry meters) {
            this.space = space;
            this.meters = meters;
            this.responseBytes = DistributionSummary.builder("spaceport.gateway.response.bytes").baseUnit("bytes")
                    .tags("space", space).register(meters);
        }

        void record(HttpServerResponse response, long nanos) {
            int status = response.getStatusCode();
            int code = status >= 100 && status < 600 ? status : 0;  // 0: nothing HTTP knows
            Timer timer = byCode.get(code);
            if (timer == null) {
                timer = Timer.builder("spaceport.gateway.requests")
                        .description("Requests through the gateway, by Space and status code")
                        .tags("space", space, "code", Integer.toString(code)).register(meters);
                byCode.set(code, timer);
            }
            timer.record(nanos, TimeUnit.NANOSECONDS);
            responseBytes.record(response.bytesWritten());
        }
    }

    /**
     * Tells the app where the visitor came from (Gradio builds its URLs from these), keeping what an
     * ingress in front already said; and turns a Space that cannot answer into 503 with Retry-After.
     */
    private static final class ForwardedHeaders implements ProxyInterceptor {

        @Override
        public Future<ProxyResponse> handleProxyRequest(ProxyContext ctx) {
            HttpServerRequest in = ctx.request().proxiedRequest();
            MultiMap headers = ctx.request().headers();
            if (!headers.contains("X-Forwarded-Host")) {
                headers.set("X-Forwarded-Host", in.authority() != null ? in.authority().toString() : in.getHeader("Host"));
            }
            if (!headers.contains("X-Forwarded-Proto")) {
                headers.set("X-Forwarded-Proto", in.scheme());
            }
            String client = in.remoteAddress() == null ? null : in.remoteAddress().hostAddress();
            if (client != null) {
                String prior = headers.get("X-Forwarded-For");
                headers.set("X-Forwarded-For", prior == null ? client : prior + ", " + client);
            }
            return ctx.sendRequest().recover(failure -> {
                if (!(failure instanceof WakeCoordinator.Unavailable unavailable)) {
                    return Future.failedFuture(failure);
                }
                String text = switch (unavailable.why) {
                    case "paused" -> "The Space is paused by its owner.";
                    case "busy" -> "Too many requests are waiting for the Space to wake.";
                    case "timeout" -> "The Space did not start in time.";
                    default -> "The Space is gone.";
                };
                return Future.succeededFuture(ctx.request().response().setStatusCode(503)
                        .putHeader("Retry-After", RETRY_AFTER_SECONDS).putHeader("Content-Type", "text/plain; charset=utf-8")
                        .setBody(Body.body(Buffer.buffer(text + "\n"))));
            });
        }
    }
}
