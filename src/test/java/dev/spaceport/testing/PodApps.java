package dev.spaceport.testing;

import dev.spaceport.api.Space;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The test world's kubelet for apps: kwok runs no containers, so for every pod of a namespace this
 * starts a stand-in app at exactly the pod's IP (127.65.x.y) and container port as soon as the pod
 * has an IP (a real app starts before it is Ready), and stops it when the pod goes. The gateway
 * then dials the pod as in production.
 *
 * <p>The stand-in answers {@code /sse} with five events 300 ms apart (or {@code ?events=N} events
 * {@code &interval=MS} apart), {@code /ws} as a WebSocket echo, and anything else with JSON naming
 * the pod, the path and the request headers it received.
 */
public final class PodApps implements AutoCloseable {

  public static final int SSE_EVENTS = 5;
  public static final long SSE_INTERVAL_MS = 300;

  private final Vertx vertx = Vertx.vertx();
  private final Map<String, HttpServer> servers = new ConcurrentHashMap<>();
  private final SharedIndexInformer<Pod> informer;
  private final Duration listenAfterReady;
  private final Set<String> scheduled = ConcurrentHashMap.newKeySet();

  /**
   * The Space, annotated so that kwok starts its pod's app 1 s after the pod has an IP (and turns
   * it Ready a moment later): the stand-in (started when the pod gets its IP) listens by then, as a
   * readiness probe would ensure. Needs the annotation in spaceport.pod-annotations-from-space.
   */
  public static Space readyAfterListening(Space space) {
    Map<String, String> annotations =
        new HashMap<>(Optional.ofNullable(space.getMetadata().getAnnotations()).orElse(Map.of()));
    annotations.put("pod-ready.stage.kwok.x-k8s.io/delay", "1s");
    space.getMetadata().setAnnotations(annotations);
    return space;
  }

  public PodApps(KubernetesClient client, String namespace) {
    this(client, namespace, null);
  }

  /**
   * Stand-ins that start listening only {@code listenAfterReady} after their pod turns Ready: an
   * app slower than its readiness probe (one on another port, say), which refuses connections a
   * moment.
   */
  public PodApps(KubernetesClient client, String namespace, Duration listenAfterReady) {
    this.listenAfterReady = listenAfterReady;
    informer =
        client
            .pods()
            .inNamespace(namespace)
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Pod pod) {
                    sync(pod);
                  }

                  @Override
                  public void onUpdate(Pod old, Pod pod) {
                    sync(pod);
                  }

                  @Override
                  public void onDelete(Pod pod, boolean finalStateUnknown) {
                    stop(pod.getMetadata().getName());
                  }
                });
  }

  private void sync(Pod pod) {
    String name = pod.getMetadata().getName();
    boolean running =
        pod.getMetadata().getDeletionTimestamp() == null
            && pod.getStatus() != null
            && pod.getStatus().getPodIP() != null
            && ("Pending".equals(pod.getStatus().getPhase())
                || "Running".equals(pod.getStatus().getPhase()));
    if (!running) {
      stop(name);
      return;
    }
    if (servers.containsKey(name)) {
      return;
    }
    if (listenAfterReady != null) {
      if (TestPods.isReady(pod) && scheduled.add(name)) {
        // Off the event loop: listen() waits for the server to bind.
        vertx.setTimer(
            listenAfterReady.toMillis(),
            t ->
                vertx.executeBlocking(
                    () -> {
                      listen(pod);
                      return null;
                    }));
      }
      return;
    }
    listen(pod);
  }

  private synchronized void listen(Pod pod) {
    String name = pod.getMetadata().getName();
    if (servers.containsKey(name)) {
      return;
    }
    int port =
        pod.getSpec().getContainers().get(0).getPorts().stream()
            .map(ContainerPort::getContainerPort)
            .findFirst()
            .orElse(7860);
    HttpServer server =
        vertx
            .createHttpServer(
                new HttpServerOptions().setHost(pod.getStatus().getPodIP()).setPort(port))
            .webSocketHandler(ws -> ws.textMessageHandler(ws::writeTextMessage))
            .requestHandler(request -> serve(name, request));
    servers.put(name, server);
    server.listen().toCompletionStage().toCompletableFuture().join();
  }

  private void serve(String pod, HttpServerRequest request) {
    if ("/sse".equals(request.path())) {
      request
          .response()
          .setChunked(true)
          .putHeader("Content-Type", "text/event-stream")
          .putHeader("Cache-Control", "no-cache");
      int events =
          Integer.parseInt(Optional.ofNullable(request.getParam("events")).orElse("" + SSE_EVENTS));
      long interval =
          Long.parseLong(
              Optional.ofNullable(request.getParam("interval")).orElse("" + SSE_INTERVAL_MS));
      for (int i = 0; i < events; i++) {
        int event = i;
        vertx.setTimer(
            1 + i * interval,
            t -> {
              request.response().write("data: event " + event + "\n\n");
              if (event == events - 1) {
                request.response().end();
              }
            });
      }
      return;
    }
    request
        .body()
        .onSuccess(
            body -> {
              JsonObject headers = new JsonObject();
              request.headers().forEach(h -> headers.put(h.getKey().toLowerCase(), h.getValue()));
              request
                  .response()
                  .putHeader("Content-Type", "application/json")
                  .end(
                      new JsonObject()
                          .put("pod", pod)
                          .put("path", request.path())
                          .put("method", request.method().name())
                          .put("body", body.toString())
                          .put("headers", headers)
                          .encode());
            });
  }

  /** Waits until the port is free: the next pod may get the same IP. */
  private synchronized void stop(String pod) {
    scheduled.remove(pod);
    HttpServer server = servers.remove(pod);
    if (server != null) {
      server.close().toCompletionStage().toCompletableFuture().join();
    }
  }

  @Override
  public void close() throws Exception {
    informer.close();
    servers.values().forEach(HttpServer::close);
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
