package dev.spaceport.gateway;

import static dev.spaceport.testing.SpaceWaits.WAIT;
import static dev.spaceport.testing.SpaceWaits.awaitAsleep;
import static dev.spaceport.testing.SpaceWaits.awaitStage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spaceport.api.Space;
import dev.spaceport.rules.SpaceHosts;
import dev.spaceport.testing.ClusterExtension;
import dev.spaceport.testing.LocalClusterResource;
import dev.spaceport.testing.PodApps;
import dev.spaceport.testing.SpaceWaits;
import dev.spaceport.testing.TestNamespace;
import dev.spaceport.testing.TestSpaces;
import dev.spaceport.testing.TestWebSockets;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The gateway in front of Spaces on the local control plane, with a stand-in app at each pod's
 * loopback IP (flows 2, 3 and 5). Every request goes to the gateway on 127.0.0.1 with the Space's
 * Host header, as an ingress controller would send it.
 */
@QuarkusTest
@QuarkusTestResource(LocalClusterResource.class)
@ExtendWith(ClusterExtension.class)
class GatewayIT {

  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  @Inject Gateway gateway;

  @Inject MeterRegistry meters;

  private static Space space(TestNamespace ns, String name, String sleepTime) {
    Space space = PodApps.readyAfterListening(TestSpaces.gradio(ns.name(), name, null));
    space.getSpec().setSleepTime(sleepTime);
    return space;
  }

  private static String host(TestNamespace ns, String name) {
    return SpaceHosts.label(ns.name(), name) + ".spaces.localhost";
  }

  private HttpRequest.Builder request(TestNamespace ns, String name, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
        .header("Host", host(ns, name))
        .timeout(Duration.ofSeconds(60));
  }

  private HttpResponse<String> get(TestNamespace ns, String name, String path) throws Exception {
    return HTTP.send(request(ns, name, path).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * A Space that never sleeps, RUNNING and served: the gateway's informers have seen its Ready pod.
   */
  private void startServed(KubernetesClient client, TestNamespace ns, String name) {
    startServed(client, ns, name, "never");
  }

  private void startServed(
      KubernetesClient client, TestNamespace ns, String name, String sleepTime) {
    client.resource(space(ns, name, sleepTime)).create();
    awaitStage(client, ns, name, "RUNNING");
    await().atMost(WAIT).until(() -> get(ns, name, "/").statusCode() == 200);
  }

  /** From the ingress controller (127.0.0.2, trusted in the test profile): what it said is kept. */
  @Test
  void requestToARunningSpaceReachesTheAppWithForwardedHeaders(
      KubernetesClient client, TestNamespace ns) throws Exception {
    try (PodApps apps = new PodApps(client, ns.name())) {
      startServed(client, ns, "hello");

      JsonObject echo =
          fromPeer(
              "127.0.0.2",
              ns,
              "hello",
              "/config?x=1",
              Map.of("X-Forwarded-Proto", "https", "X-Forwarded-For", "203.0.113.9"),
              "payload");

      assertThat(echo.getString("path")).isEqualTo("/config");
      assertThat(echo.getString("body")).isEqualTo("payload");
      JsonObject headers = echo.getJsonObject("headers");
      assertThat(headers.getString("x-forwarded-host")).isEqualTo(host(ns, "hello"));
      assertThat(headers.getString("x-forwarded-proto")).isEqualTo("https");
      assertThat(headers.getString("x-forwarded-for")).isEqualTo("203.0.113.9, 127.0.0.2");
    }
  }

  /** A visitor that is not a trusted proxy cannot forge the address or host the app sees. */
  @Test
  void forwardedHeadersFromAnUntrustedPeerAreReplacedNotPassedOn(
      KubernetesClient client, TestNamespace ns) throws Exception {
    try (PodApps apps = new PodApps(client, ns.name())) {
      startServed(client, ns, "guarded");

      JsonObject headers =
          fromPeer(
                  "127.0.0.1",
                  ns,
                  "guarded",
                  "/",
                  Map.of(
                      "X-Forwarded-For", "10.0.0.1",
                      "X-Forwarded-Host", "admin.internal",
                      "X-Forwarded-Proto", "https",
                      "X-Real-IP", "10.0.0.1",
                      "Forwarded", "for=10.0.0.1;host=admin.internal"),
                  "")
              .getJsonObject("headers");

      assertThat(headers.getString("x-forwarded-for")).isEqualTo("127.0.0.1");
      assertThat(headers.getString("x-forwarded-host")).isEqualTo(host(ns, "guarded"));
      assertThat(headers.getString("x-forwarded-proto")).isEqualTo("http");
      assertThat(headers.containsKey("x-real-ip")).isFalse();
      assertThat(headers.containsKey("forwarded")).isFalse();
    }
  }

  /**
   * Hostile or broken clients get a clear answer or a closed connection: oversized headers 431, an
   * over-long Host 431, a garbage request line 400, a body past the limit (1 MiB in the test
   * profile) 413; and 300 connections that never finish their headers are closed after the header
   * timeout (2 s) without keeping a visitor from being served meanwhile.
   */
  @Test
  void hostileAndSlowClientsGetAnAnswerOrAreClosedAndVisitorsAreStillServed(
      KubernetesClient client, TestNamespace ns) throws Exception {
    try (PodApps apps = new PodApps(client, ns.name())) {
      startServed(client, ns, "tough");
      String host = host(ns, "tough");
      assertThat(
              raw(
                  "GET / HTTP/1.1\r\nHost: "
                      + host
                      + "\r\nX-Big: "
                      + "a".repeat(100_000)
                      + "\r\n\r\n"))
          .startsWith("HTTP/1.1 431");
      assertThat(raw("GET / HTTP/1.1\r\nHost: " + "h".repeat(10_000) + "\r\n\r\n"))
          .startsWith("HTTP/1.1 431");
      assertThat(raw("\u0001\u0002 garbage\r\n\r\n")).matches("(?s)(HTTP/1.[01] 400 .*|)");
      assertThat(
              raw(
                  "POST / HTTP/1.1\r\nHost: "
                      + host
                      + "\r\nContent-Length: 2097152\r\nContent-Type: application/octet-stream\r\n\r\n"))
          .startsWith("HTTP/1.1 413");

      List<java.net.Socket> slow = new ArrayList<>();
      try {
        for (int i = 0; i < 300; i++) {
          java.net.Socket socket = new java.net.Socket("127.0.0.1", gateway.port());
          socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + host + "\r\n").getBytes());
          slow.add(socket);
        }
        long start = System.nanoTime();
        assertThat(get(ns, "tough", "/").statusCode()).isEqualTo(200);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2000);
        for (java.net.Socket socket : slow) {
          socket.setSoTimeout(10_000);
          assertThat(socket.getInputStream().read()).as("closed by the gateway").isEqualTo(-1);
        }
      } finally {
        for (java.net.Socket socket : slow) {
          socket.close();
        }
      }
    }
  }

  /** Sends raw bytes to the gateway and returns what it answers before closing (at most 10 s). */
  private String raw(String request) throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", gateway.port())) {
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      byte[] buffer = new byte[4096];
      int read;
      try {
        read = socket.getInputStream().read(buffer);
      } catch (java.net.SocketException reset) {
        return "";
      }
      return read < 0
          ? ""
          : new String(buffer, 0, read, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
  }

  /** A WebSocket to the stand-in's echo at /ws, through the gateway. */
  private io.vertx.core.http.WebSocket webSocket(Vertx vertx, TestNamespace ns, String name)
      throws Exception {
    return TestWebSockets.open(vertx, gateway.port(), host(ns, name), "/ws");
  }

  /** A POST through the gateway from a given local address, answered by the stand-in's echo. */
  private JsonObject fromPeer(
      String localAddress,
      TestNamespace ns,
      String name,
      String path,
      Map<String, String> headers,
      String body)
      throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      var http =
          vertx.createHttpClient(
              new io.vertx.core.http.HttpClientOptions().setLocalAddress(localAddress));
      var options =
          new io.vertx.core.http.RequestOptions()
              .setHost("127.0.0.1")
              .setPort(gateway.port())
              .setMethod(io.vertx.core.http.HttpMethod.POST)
              .setURI(path)
              .putHeader("Host", host(ns, name));
      headers.forEach(options::putHeader);
      var response =
          http.request(options)
              .compose(request -> request.send(body))
              .compose(r -> r.body().map(b -> new JsonObject(b.toString())))
              .toCompletionStage()
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
      return response;
    } finally {
      vertx.close();
    }
  }

  @Test
  void unknownHostGetsA404PageNamingNoInternals() throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/"))
                .header("Host", "nobody-nothing.spaces.localhost")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body())
        .contains("No Space here")
        .doesNotContain("127.65")
        .doesNotContain("namespace");
  }

  @Test
  void serverSentEventsArriveOneByOne(KubernetesClient client, TestNamespace ns) throws Exception {
    try (PodApps apps = new PodApps(client, ns.name())) {
      startServed(client, ns, "stream");

      HttpResponse<java.util.stream.Stream<String>> response =
          HTTP.send(
              request(ns, "stream", "/sse").GET().build(), HttpResponse.BodyHandlers.ofLines());
      List<Long> arrivals = new ArrayList<>();
      long start = System.nanoTime();
      response
          .body()
          .filter(line -> line.startsWith("data:"))
          .forEach(line -> arrivals.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)));

      assertThat(response.headers().firstValue("Content-Type")).hasValue("text/event-stream");
      assertThat(response.headers().firstValue("Content-Encoding")).isEmpty();
      assertThat(arrivals).hasSize(PodApps.SSE_EVENTS);
      // Unbuffered: each event arrives about when it was sent, not all together at the end.
      for (int i = 1; i < arrivals.size(); i++) {
        assertThat(arrivals.get(i) - arrivals.get(i - 1))
            .as("gap before event %d", i)
            .isGreaterThan(PodApps.SSE_INTERVAL_MS / 2);
      }
    }
  }

  @Test
  void webSocketEchoes(KubernetesClient client, TestNamespace ns) throws Exception {
    try (PodApps apps = new PodApps(client, ns.name())) {
      startServed(client, ns, "socket");

      Vertx vertx = Vertx.vertx();
      try {
        CompletableFuture<String> echoed = new CompletableFuture<>();
        vertx
            .createHttpClient()
            .webSocket(
                new WebSocketConnectOptions()
                    .setHost("127.0.0.1")
                    .setPort(gateway.port())
                    .setURI("/ws")
                    .addHeader("Host", host(ns, "socket")))
            .onFailure(echoed::completeExceptionally)
            .onSuccess(
                ws -> {
                  ws.textMessageHandler(echoed::complete);
                  ws.writeTextMessage("hello through the gateway");
                });
        assertThat(echoed.get(10, TimeUnit.SECONDS)).isEqualTo("hello through the gateway");
      } finally {
        vertx.close();
      }
    }
  }

  /**
   * Streamlit keeps one WebSocket per tab for the whole session: while it is open and in use, the
   * Space stays awake; once it closes, the Space sleeps after its sleep time.
   */
  @Test
  void openWebSocketKeepsTheSpaceAwakeAndItSleepsSleepTimeAfterItCloses(
      KubernetesClient client, TestNamespace ns) throws Exception {
    try (PodApps apps = new PodApps(client, ns.name())) {
      startServed(client, ns, "session", "3s");
      Vertx vertx = Vertx.vertx();
      try {
        var ws = webSocket(vertx, ns, "session");
        List<String> echoes = new java.util.concurrent.CopyOnWriteArrayList<>();
        ws.textMessageHandler(echoes::add);
        // A message a second for three times the sleep time; the Space must stay RUNNING.
        for (int i = 0; i < 9; i++) {
          ws.writeTextMessage("still here " + i);
          Thread.sleep(1000);
          assertThat(SpaceWaits.space(client, ns, "session").getStatus().getStage())
              .as("stage %d s into the session", i + 1)
              .isEqualTo("RUNNING");
        }
        assertThat(echoes).hasSize(9);
        Instant closed = Instant.now();
        ws.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

        Space asleep = awaitStage(client, ns, "session", "SLEEPING");
        assertThat(Instant.parse(asleep.getStatus().getSleepingSince()))
            .as("the sleep clock starts when the socket closes")
            .isAfterOrEqualTo(closed.plusSeconds(3).minusMillis(200));
      } finally {
        vertx.close();
      }
    }
  }

  /** Gradio's queue streams results over SSE: an open stream keeps the Space awake. */
  @Test
  void openEventStreamKeepsTheSpaceAwakeAndItSleepsSleepTimeAfterItEnds(
      KubernetesClient client, TestNamespace ns) throws Exception {
    try (PodApps apps = new PodApps(client, ns.name())) {
      startServed(client, ns, "streamer", "3s");
      List<String> stages = new java.util.concurrent.CopyOnWriteArrayList<>();
      var watcher =
          java.util.concurrent.Executors.newSingleThreadScheduledExecutor()
              .scheduleAtFixedRate(
                  () -> stages.add(SpaceWaits.space(client, ns, "streamer").getStatus().getStage()),
                  0,
                  500,
                  TimeUnit.MILLISECONDS);
      HttpResponse<java.util.stream.Stream<String>> response =
          HTTP.send(
              request(ns, "streamer", "/sse?events=10&interval=1000").GET().build(),
              HttpResponse.BodyHandlers.ofLines());
      long events = response.body().filter(line -> line.startsWith("data:")).count();
      Instant ended = Instant.now();
      watcher.cancel(false);

      assertThat(events).isEqualTo(10);
      assertThat(stages)
          .as("stages while the 9 s stream was open")
          .hasSizeGreaterThan(10)
          .containsOnly("RUNNING");
      Space asleep = awaitStage(client, ns, "streamer", "SLEEPING");
      assertThat(Instant.parse(asleep.getStatus().getSleepingSince()))
          .isAfterOrEqualTo(ended.plusSeconds(3).minusMillis(200));
    }
  }

  /** An abandoned socket stops counting after the idle limit (6 s in the test profile). */
  @Test
  void silentWebSocketStopsKeepingTheSpaceAwakeAfterTheIdleLimit(
      KubernetesClient client, TestNamespace ns) throws Exception {
    try (PodApps apps = new PodApps(client, ns.name())) {
      startServed(client, ns, "abandoned", "3s");
      Vertx vertx = Vertx.vertx();
      try {
        webSocket(vertx, ns, "abandoned");
        Instant opened = Instant.now();
        Space asleep = awaitStage(client, ns, "abandoned", "SLEEPING");
        assertThat(Instant.parse(asleep.getStatus().getSleepingSince()))
            .as("idle limit, then sleep time")
            .isAfterOrEqualTo(opened.plusSeconds(6 + 3).minusSeconds(2));
      } finally {
        vertx.close();
      }
    }
  }

  @Test
  void sleepingSpaceIsWokenByARequestThatThenGets200(KubernetesClient client, TestNamespace ns)
      throws Exception {
    try (PodApps apps = new PodApps(client, ns.name())) {
      client.resource(space(ns, "dozer", "3s")).create();
      awaitStage(client, ns, "dozer", "RUNNING");
      awaitAsleep(client, ns, "dozer");

      // A POST: its body must survive being held while the Space wakes.
      HttpResponse<String> response =
          HTTP.send(
              request(ns, "dozer", "/after-sleep")
                  .POST(HttpRequest.BodyPublishers.ofString("held, not lost"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(new JsonObject(response.body()).getString("path")).isEqualTo("/after-sleep");
      assertThat(new JsonObject(response.body()).getString("body")).isEqualTo("held, not lost");
      Space woken = client.resources(Space.class).inNamespace(ns.name()).withName("dozer").get();
      assertThat(woken.getStatus().getWakeRequestedAt()).isNotNull();
    }
  }

  /**
   * A pod can turn Ready a moment before its app listens: requests released to it then are tried
   * again (nothing was sent), so every one gets its answer, none a 502.
   */
  @Test
  void appListeningAMomentAfterItsPodIsReadyGetsEveryHeldRequestNoneA502(
      KubernetesClient client, TestNamespace ns) throws Exception {
    try (PodApps apps = new PodApps(client, ns.name(), Duration.ofSeconds(2))) {
      Space late = TestSpaces.gradio(ns.name(), "late", null);
      late.getSpec().setSleepTime("3s");
      client.resource(late).create();
      awaitAsleep(client, ns, "late");

      List<CompletableFuture<HttpResponse<String>>> responses =
          IntStream.range(0, 100)
              .mapToObj(
                  i ->
                      HTTP.sendAsync(
                          request(ns, "late", "/r/" + i).GET().build(),
                          HttpResponse.BodyHandlers.ofString()))
              .toList();
      CompletableFuture.allOf(responses.toArray(CompletableFuture[]::new))
          .get(90, TimeUnit.SECONDS);

      assertThat(responses.stream().map(r -> r.join().statusCode())).containsOnly(200).hasSize(100);
    }
  }

  /**
   * Past the queue bound (250 in the test profile) a request is refused at once, and one held past
   * the Space's startupTimeout is answered: both 503 with Retry-After and the reason, none left
   * hanging.
   */
  @Test
  void requestsPastTheQueueBoundOrTheStartupTimeoutGet503WithRetryAfterAndTheReason(
      KubernetesClient client, TestNamespace ns) throws Exception {
    Space stuck =
        TestSpaces.annotated(
            TestSpaces.gradio(ns.name(), "stuck", null),
            Map.of("pod-ready.stage.kwok.x-k8s.io/delay", "1h"));
    stuck.getSpec().setStartupTimeout("6s");
    client.resource(stuck).create();
    awaitStage(client, ns, "stuck", "APP_STARTING");
    await()
        .atMost(WAIT)
        .until(() -> get(ns, "stuck", GatewayPages.STATUS_PATH).statusCode() == 200);

    long start = System.nanoTime();
    List<CompletableFuture<HttpResponse<String>>> responses =
        IntStream.range(0, 260)
            .mapToObj(
                i ->
                    HTTP.sendAsync(
                        request(ns, "stuck", "/r/" + i).GET().build(),
                        HttpResponse.BodyHandlers.ofString()))
            .toList();
    CompletableFuture.allOf(responses.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

    assertThat(responses)
        .allSatisfy(
            r -> {
              assertThat(r.join().statusCode()).isEqualTo(503);
              assertThat(r.join().headers().firstValue("Retry-After")).isPresent();
            });
    Map<String, Long> byReason =
        responses.stream()
            .collect(
                java.util.stream.Collectors.groupingBy(
                    r -> r.join().body().strip(), java.util.stream.Collectors.counting()));
    assertThat(byReason)
        .containsEntry("Too many requests are waiting for the Space to wake.", 10L)
        .containsEntry("The Space did not start in time.", 250L);
    assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(30);
  }

  /** A Space deleted during a wake will never answer: its held requests get 404 at once. */
  @Test
  void spaceDeletedWhileRequestsAreHeldAnswersThemWith404WithinTwoSeconds(
      KubernetesClient client, TestNamespace ns) throws Exception {
    Space doomed =
        TestSpaces.annotated(
            TestSpaces.gradio(ns.name(), "doomed", null),
            Map.of("pod-ready.stage.kwok.x-k8s.io/delay", "1h"));
    client.resource(doomed).create();
    awaitStage(client, ns, "doomed", "APP_STARTING");
    await()
        .atMost(WAIT)
        .until(() -> get(ns, "doomed", GatewayPages.STATUS_PATH).statusCode() == 200);

    List<CompletableFuture<HttpResponse<String>>> held =
        IntStream.range(0, 20)
            .mapToObj(
                i ->
                    HTTP.sendAsync(
                        request(ns, "doomed", "/r/" + i).GET().build(),
                        HttpResponse.BodyHandlers.ofString()))
            .toList();
    await()
        .atMost(WAIT)
        .until(
            () ->
                meters
                            .find("spaceport.gateway.held.requests")
                            .tag("space", ns.name() + "/doomed")
                            .gauge()
                        != null
                    && meters
                            .find("spaceport.gateway.held.requests")
                            .tag("space", ns.name() + "/doomed")
                            .gauge()
                            .value()
                        == 20);
    client.resources(Space.class).inNamespace(ns.name()).withName("doomed").delete();
    long deleted = System.nanoTime();

    CompletableFuture.allOf(held.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - deleted)).isLessThan(2000);
    assertThat(held.stream().map(r -> r.join().statusCode())).containsOnly(404);
  }

  /**
   * A crawler's or a probe's poll of the waking page's status neither wakes the Space nor holds.
   */
  @Test
  void wakingStatusPolledByACrawlerDoesNotWakeTheSpace(KubernetesClient client, TestNamespace ns)
      throws Exception {
    client.resource(space(ns, "dreamer", "3s")).create();
    awaitAsleep(client, ns, "dreamer");

    HttpResponse<String> poll =
        HTTP.send(
            request(ns, "dreamer", GatewayPages.STATUS_PATH + "?wait=1")
                .header("User-Agent", "Googlebot/2.1 (+http://www.google.com/bot.html)")
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(poll.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(poll.body()).getBoolean("ready")).isFalse();
    Space still = SpaceWaits.space(client, ns, "dreamer");
    assertThat(still.getStatus().getStage()).isEqualTo("SLEEPING");
    assertThat(still.getStatus().getWakeRequestedAt()).isNull();
    var heldGauge =
        meters.find("spaceport.gateway.held.requests").tag("space", ns.name() + "/dreamer").gauge();
    assertThat(heldGauge == null ? 0 : heldGauge.value()).isZero();
  }

  @Test
  void twoHundredConcurrentRequestsDuringAWakeAllGet200(KubernetesClient client, TestNamespace ns)
      throws Exception {
    try (PodApps apps = new PodApps(client, ns.name())) {
      client.resource(space(ns, "crowd", "3s")).create();
      awaitAsleep(client, ns, "crowd");

      List<CompletableFuture<HttpResponse<String>>> responses =
          IntStream.range(0, 200)
              .mapToObj(
                  i ->
                      HTTP.sendAsync(
                          request(ns, "crowd", "/r/" + i).GET().build(),
                          HttpResponse.BodyHandlers.ofString()))
              .toList();
      CompletableFuture.allOf(responses.toArray(CompletableFuture[]::new))
          .get(90, TimeUnit.SECONDS);

      assertThat(responses).allSatisfy(r -> assertThat(r.join().statusCode()).isEqualTo(200));
      assertThat(
              responses.stream()
                  .map(r -> new JsonObject(r.join().body()).getString("path"))
                  .distinct()
                  .count())
          .isEqualTo(200);
    }
  }

  @Test
  void pausedSpaceIsNotWokenAndSaysSo(KubernetesClient client, TestNamespace ns) throws Exception {
    Space paused = space(ns, "held", "never");
    paused.getSpec().setPaused(true);
    client.resource(paused).create();
    awaitStage(client, ns, "held", "PAUSED");

    HttpResponse<String> api = get(ns, "held", "/");
    HttpResponse<String> page =
        HTTP.send(
            request(ns, "held", "/").header("Accept", "text/html").GET().build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(api.statusCode()).isEqualTo(503);
    assertThat(api.headers().firstValue("Retry-After")).isPresent();
    assertThat(page.statusCode()).isEqualTo(503);
    assertThat(page.body()).contains("held is paused");
    Space after = client.resources(Space.class).inNamespace(ns.name()).withName("held").get();
    assertThat(after.getStatus().getWakeRequestedAt()).isNull();
    assertThat(client.pods().inNamespace(ns.name()).list().getItems()).isEmpty();
  }

  @Test
  void healthChecksAndCrawlersNeitherWakeNorCount(KubernetesClient client, TestNamespace ns)
      throws Exception {
    client.resource(space(ns, "quiet", "3s")).create();
    awaitAsleep(client, ns, "quiet");

    HttpResponse<String> health = get(ns, "quiet", "/health");
    HttpResponse<String> crawler =
        HTTP.send(
            request(ns, "quiet", "/").header("User-Agent", "Googlebot/2.1").GET().build(),
            HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> head =
        HTTP.send(
            request(ns, "quiet", "/").method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(List.of(health.statusCode(), crawler.statusCode(), head.statusCode()))
        .containsOnly(503);
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> {
              Space s =
                  client.resources(Space.class).inNamespace(ns.name()).withName("quiet").get();
              return "SLEEPING".equals(s.getStatus().getStage())
                  && s.getStatus().getWakeRequestedAt() == null
                  && s.getStatus().getLastActivityTime() == null;
            });
  }

  @Test
  void visitsAreRecordedAsLastActivityTime(KubernetesClient client, TestNamespace ns)
      throws Exception {
    try (PodApps apps = new PodApps(client, ns.name())) {
      startServed(client, ns, "busy");
      java.time.Instant before = java.time.Instant.now();

      get(ns, "busy", "/visit");

      Space visited =
          await()
              .atMost(WAIT)
              .until(
                  () -> client.resources(Space.class).inNamespace(ns.name()).withName("busy").get(),
                  s ->
                      s.getStatus().getLastActivityTime() != null
                          && !java.time.Instant.parse(s.getStatus().getLastActivityTime())
                              .isBefore(before.minusSeconds(1)));
      assertThat(visited.getMetadata().getManagedFields())
          .anySatisfy(
              m -> {
                assertThat(m.getManager()).isEqualTo("spaceport-gateway");
                assertThat(m.getFieldsV1().getAdditionalProperties().toString())
                    .contains("lastActivityTime");
              });
    }
  }

  @Test
  void browserAskingForASleepingSpaceGetsTheWakingPage(KubernetesClient client, TestNamespace ns)
      throws Exception {
    client.resource(space(ns, "napper", "3s")).create();
    awaitAsleep(client, ns, "napper");

    HttpResponse<String> page =
        HTTP.send(
            request(ns, "napper", "/")
                .header("Accept", "text/html,application/xhtml+xml")
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(page.statusCode()).isEqualTo(503);
    assertThat(page.body()).contains("napper is waking up").contains(GatewayPages.STATUS_PATH);
    // The page's request woke the Space; the status endpoint it polls follows the real stage.
    awaitStage(client, ns, "napper", "RUNNING");
    await()
        .atMost(WAIT)
        .until(
            () ->
                new JsonObject(get(ns, "napper", GatewayPages.STATUS_PATH).body())
                    .getBoolean("ready"));
  }

  @Test
  void headlessChromiumGetsTheWakingPageAndEndsOnTheAppsPage(
      KubernetesClient client, TestNamespace ns) throws Exception {
    try (PodApps apps = new PodApps(client, ns.name())) {
      // A custom domain, also served by the gateway (spec.domains), visited by the browser.
      String domain = ns.suffix() + "-browsed.spaces.localhost";
      Space browsed = space(ns, "browsed", "3s");
      browsed.getSpec().setDomains(List.of(domain));
      client.resource(browsed).create();
      awaitAsleep(client, ns, "browsed");

      // Chromium resolves *.localhost to loopback itself; the waking page polls and reloads.
      String url = "http://" + domain + ":" + gateway.port() + "/from-a-browser";
      String dom = Chromium.dumpDom(url, Duration.ofSeconds(15));

      assertThat(dom).contains("\"path\":\"/from-a-browser\"");
      double wakingPages =
          meters
              .find("spaceport.gateway.requests")
              .tags("space", ns.name() + "/browsed", "code", "503")
              .timers()
              .stream()
              .mapToDouble(t -> t.count())
              .sum();
      assertThat(wakingPages).as("waking pages served to the browser").isPositive();
      assertThat(
              client
                  .resources(Space.class)
                  .inNamespace(ns.name())
                  .withName("browsed")
                  .get()
                  .getStatus()
                  .getWakeRequestedAt())
          .isNotNull();
    }
  }
}
