package dev.spaceport.operator;

import static dev.spaceport.testing.SpaceWaits.WAIT;
import static dev.spaceport.testing.SpaceWaits.awaitStage;
import static dev.spaceport.testing.SpaceWaits.space;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import dev.spaceport.api.FlavorUsage;
import dev.spaceport.api.Space;
import dev.spaceport.gateway.Gateway;
import dev.spaceport.rules.SpaceConditions;
import dev.spaceport.rules.SpaceHosts;
import dev.spaceport.testing.ClusterExtension;
import dev.spaceport.testing.LocalClusterResource;
import dev.spaceport.testing.LocalCommand;
import dev.spaceport.testing.PodApps;
import dev.spaceport.testing.SpaceWaits;
import dev.spaceport.testing.TestCluster;
import dev.spaceport.testing.TestNamespace;
import dev.spaceport.testing.TestPods;
import dev.spaceport.testing.TestSpaces;
import dev.spaceport.testing.TestWebSockets;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scarce GPUs on the real scheduler and the kwok GPU nodes (cluster/nodes.txt: one A100 node with 8
 * GPUs, two A10G nodes with 4): fallback flavors, making room, and usage counted on an injected
 * clock (docs/hardware-flavors.md, docs/metrics-and-alerts.md).
 */
@QuarkusTest
@QuarkusTestResource(LocalClusterResource.class)
@ExtendWith(ClusterExtension.class)
class ScarceGpusIT {

  private static final String A100 = "NVIDIA-A100-SXM4-80GB";
  private static final String A100_NODE = "a100-1";
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Inject Gateway gateway;

  @Inject MeterRegistry meters;

  @BeforeEach
  void theA100NodeIsFree(KubernetesClient client) {
    await("no pod left on the A100 node by another test or a demo")
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(TestPods.gpusInUse(client, A100_NODE))
                    .as(
                        "GPUs held on %s by %s",
                        A100_NODE,
                        client
                            .pods()
                            .inAnyNamespace()
                            .withField("spec.nodeName", A100_NODE)
                            .list()
                            .getItems()
                            .stream()
                            .map(
                                p ->
                                    p.getMetadata().getNamespace()
                                        + "/"
                                        + p.getMetadata().getName())
                            .toList())
                    .isZero());
  }

  /**
   * The A100 node full: a Space asking for an A100 with an A10G fallback waits the fallback time
   * (its waking page says it waits for a GPU, and its place), then serves on the A10G, its status
   * and environment saying so; when the A100 frees it moves back, the A10G pod serving until the
   * A100 one is Ready.
   */
  @Test
  void spaceOnAFullA100RunsOnItsA10gFallbackAndMovesBackWithoutAGapWhenTheA100Frees(
      KubernetesClient client, TestNamespace ns) throws Exception {
    Pod filler = fillA100(client, ns, 8);
    Space space = TestSpaces.gradio(ns.name(), "vision", "a100-large");
    space.getSpec().setHardwareFallback(List.of("a10g-large"));
    space.getSpec().setSleepTime("never");
    client.resource(space).create();

    Space waiting =
        await("waiting for an A100")
            .atMost(WAIT)
            .until(
                () -> space(client, ns, "vision"),
                s ->
                    s.getStatus() != null
                        && s.getStatus().getHardware() != null
                        && A100.equals(s.getStatus().getHardware().getWaitingFor()));
    assertThat(waiting.getStatus().getHardware().getQueuePosition()).isEqualTo(1);
    assertThat(waiting.getStatus().getMessage())
        .startsWith("Waiting for a GPU (" + A100 + "), place 1 in the queue: 0/");
    JsonObject page = wakingStatus(ns, "vision");
    assertThat(page.getString("text")).isEqualTo("Waiting for a GPU: place 1 in the queue");

    Space onFallback =
        await("running on the fallback")
            .atMost(WAIT)
            .until(
                () -> space(client, ns, "vision"),
                s ->
                    "RUNNING".equals(s.getStatus().getStage())
                        && "a10g-large".equals(s.getStatus().getHardware().getCurrent()));
    assertThat(onFallback.getStatus().getHardware().getRequested()).isEqualTo("a100-large");
    var fallback = SpaceWaits.condition(onFallback, SpaceConditions.HARDWARE_FALLBACK);
    assertThat(fallback.getStatus()).isEqualTo("True");
    assertThat(fallback.getMessage())
        .startsWith("a100-large could not be scheduled for 8s (0/")
        .contains("Insufficient nvidia.com/gpu")
        .endsWith("; runs on a10g-large, the first fallback with room");
    Pod a10gPod = TestPods.onlyPod(client, ns, "vision");
    assertThat(a10gPod.getSpec().getNodeName()).startsWith("a10g-");
    assertThat(env(a10gPod, "ACCELERATOR")).isEqualTo("a10g-large");

    // The A100 frees: from now until the Space serves from it, some pod serves at every moment.
    AtomicBoolean gap = new AtomicBoolean();
    AtomicBoolean watching = new AtomicBoolean(true);
    Thread watcher =
        new Thread(
            () -> {
              while (watching.get()) {
                if (TestPods.ofSpace(client, ns, "vision").stream()
                    .noneMatch(
                        p ->
                            p.getMetadata().getDeletionTimestamp() == null
                                && TestPods.isReady(p))) {
                  gap.set(true);
                }
              }
            });
    watcher.start();
    try {
      client.resource(filler).withGracePeriod(0).delete();
      Space back =
          await("back on the A100")
              .atMost(WAIT)
              .until(
                  () -> space(client, ns, "vision"),
                  s ->
                      "RUNNING".equals(s.getStatus().getStage())
                          && "a100-large".equals(s.getStatus().getHardware().getCurrent()));
      assertThat(SpaceWaits.condition(back, SpaceConditions.HARDWARE_FALLBACK).getStatus())
          .isEqualTo("False");
      await("the A10G pod gone")
          .atMost(WAIT)
          .until(() -> TestPods.ofSpace(client, ns, "vision").size() == 1);
    } finally {
      watching.set(false);
      watcher.join();
    }
    assertThat(gap).as("a moment with no Ready pod during the move back").isFalse();
    Pod a100Pod = TestPods.onlyPod(client, ns, "vision");
    assertThat(a100Pod.getSpec().getNodeName()).isEqualTo(A100_NODE);
    assertThat(env(a100Pod, "ACCELERATOR")).isEqualTo("a100-large");
    assertThat(client.v1().events().inNamespace(ns.name()).list().getItems())
        .extracting(e -> e.getReason())
        .contains("HardwareFallback", "HardwareReturn");
  }

  /**
   * The A100 node full of four idle Spaces and other work: a Space waking for an A100 puts the
   * least recently visited to sleep, never one with a visitor's WebSocket open (silent after its
   * first message), one that opted out (visited longest ago), or one visited within the minimum
   * idle time.
   */
  @Test
  void makingRoomPutsTheLeastRecentlyVisitedIdleSpaceToSleepSkippingAnOpenWebSocketAndAnOptOut(
      KubernetesClient client, TestNamespace ns) throws Exception {
    fillA100(client, ns, 4);
    try (PodApps apps = new PodApps(client, ns.name())) {
      List<String> holders = List.of("opted-out", "connected", "oldest", "recent");
      for (String name : holders) {
        Space space = PodApps.readyAfterListening(TestSpaces.gradio(ns.name(), name, "a100-large"));
        space.getSpec().setSleepTime("never");
        if (name.equals("opted-out")) {
          space.getMetadata().setLabels(Map.of("spaceport.dev/yield-gpu", "false"));
        }
        client.resource(space).create();
      }
      for (String name : holders) {
        awaitStage(client, ns, name, "RUNNING");
      }
      assertThat(TestPods.gpusInUse(client, A100_NODE)).isEqualTo(8);
      Vertx vertx = Vertx.vertx();
      try {
        // Visits in this order, as the gateway records them; the WebSocket stays open, silent.
        visit(ns, "opted-out");
        Thread.sleep(300);
        var ws = webSocket(vertx, ns, "connected");
        List<String> echoes = new CopyOnWriteArrayList<>();
        ws.textMessageHandler(echoes::add);
        ws.writeTextMessage("hello");
        Thread.sleep(300);
        visit(ns, "oldest");
        await().atMost(WAIT).until(() -> echoes.size() == 1);
        // All idle for the minimum (3 s); then "recent" is visited again.
        Thread.sleep(4000);
        String before = space(client, ns, "recent").getStatus().getLastActivityTime();
        visit(ns, "recent");
        await("the gateway has recorded the visit")
            .atMost(WAIT)
            .until(
                () -> space(client, ns, "recent").getStatus().getLastActivityTime(),
                t -> t != null && !t.equals(before));

        Space waiter = TestSpaces.gradio(ns.name(), "waiter", "a100-large");
        client.resource(waiter).create();

        Space yielded = SpaceWaits.awaitAsleep(client, ns, "oldest");
        assertThat(yielded.getStatus().getYieldedTo()).isEqualTo(ns.name() + "/waiter");
        assertThat(SpaceWaits.reason(yielded, SpaceConditions.SLEEPING))
            .isEqualTo(SpaceConditions.YIELDED_GPU);
        assertThat(yielded.getStatus().getMessage()).contains("to make room");
        awaitStage(client, ns, "waiter", "RUNNING");
        assertThat(TestPods.onlyPod(client, ns, "waiter").getSpec().getNodeName())
            .isEqualTo(A100_NODE);
        for (String name : List.of("opted-out", "connected", "recent")) {
          assertThat(space(client, ns, name).getStatus().getStage()).as(name).isEqualTo("RUNNING");
        }
        assertThat(client.v1().events().inNamespace(ns.name()).list().getItems())
            .anySatisfy(
                e -> {
                  assertThat(e.getReason()).isEqualTo(SpaceConditions.YIELDED_GPU);
                  assertThat(e.getInvolvedObject().getName()).isEqualTo("oldest");
                });
        // The one that yielded wakes on its next visitor, when there is room again.
        assertThat(space(client, ns, "connected").getStatus().getVisitorConnectedAt()).isNotNull();
        ws.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } finally {
        vertx.close();
      }
    }
  }

  /**
   * A day on an injected clock: serving on the A100 for 3 h, idle 2 h, asleep 4 h, woken with the
   * A100 full onto the A10G fallback for 2 h, back on the A100 for 5 h. status.usage, the
   * Prometheus counters and make report count each within 1 % of the injected clock. The operator
   * counts at each change (the clock jumps just before one), not while nothing changes.
   */
  @Test
  void usageCountsASimulatedDayWithinOnePercentAcrossSleepWakeAndFallback(
      KubernetesClient client, TestNamespace ns) throws Exception {
    SteppedClock clock = new SteppedClock();
    QuarkusMock.installMockForType(clock, UsageClock.class);
    try (PodApps apps = new PodApps(client, ns.name())) {
      Space space =
          PodApps.readyAfterListening(TestSpaces.gradio(ns.name(), "meter", "a100-large"));
      space.getSpec().setHardwareFallback(List.of("a10g-large"));
      space.getSpec().setSleepTime("never");
      client.resource(space).create();
      awaitUsage(client, ns, s -> holding(s).equals(List.of("a100-large")));
      Vertx vertx = Vertx.vertx();
      try {
        var ws = webSocket(vertx, ns, "meter");
        awaitUsage(client, ns, s -> s.getStatus().getUsage().isServing());
        clock.advance(Duration.ofHours(3));
        ws.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } finally {
        vertx.close();
      }
      awaitUsage(client, ns, s -> !s.getStatus().getUsage().isServing());
      clock.advance(Duration.ofHours(2));
      setSleepTime(client, ns, "1s");
      SpaceWaits.awaitAsleep(client, ns, "meter");
      awaitUsage(client, ns, s -> holding(s).isEmpty());
      clock.advance(Duration.ofHours(4));

      Pod filler = fillA100(client, ns, 8);
      setSleepTime(client, ns, "never");
      requestWake(client, ns, "meter");
      awaitUsage(client, ns, s -> holding(s).equals(List.of("a10g-large")));
      awaitStage(client, ns, "meter", "RUNNING");
      clock.advance(Duration.ofHours(2));
      client.resource(filler).withGracePeriod(0).delete();
      awaitUsage(client, ns, s -> holding(s).equals(List.of("a100-large")));
      clock.advance(Duration.ofHours(5));
      setSleepTime(client, ns, "1s");
      SpaceWaits.awaitAsleep(client, ns, "meter");
      awaitUsage(client, ns, s -> holding(s).isEmpty());
      Space counted = space(client, ns, "meter");

      FlavorUsage a100 = flavor(counted, "a100-large");
      FlavorUsage a10g = flavor(counted, "a10g-large");
      double hour = 3600;
      assertThat(a100.getServingSeconds()).isCloseTo(3 * hour, within(0.01 * 3 * hour));
      assertThat(a100.getIdleSeconds()).isCloseTo(7 * hour, within(0.01 * 7 * hour));
      assertThat(a10g.getIdleSeconds() + a10g.getServingSeconds())
          .isCloseTo(2 * hour, within(0.01 * 2 * hour));
      assertThat(counted.getStatus().getUsage().getGpuHours()).isCloseTo(12.0, within(0.12));
      assertThat(counted.getStatus().getUsage().getCost())
          .isCloseTo(10 * 2.50 + 2 * 1.50, within(0.01 * 28));
      double metric =
          meters
              .get("spaceport.space.gpu.seconds")
              .tags(
                  "namespace", ns.name(), "space", "meter", "flavor", "a100-large", "state", "idle")
              .functionCounter()
              .count();
      assertThat(metric).isCloseTo(a100.getGpuIdleSeconds(), within(1.0));

      // The report for finance (make report): the totals, then the period since a snapshot.
      Path snapshot = Files.createTempFile("usage-", ".json");
      String[] row = reportRow(ns, "--save", snapshot.toString());
      assertThat(row[2]).isEqualTo("a100-large,a10g-large");
      assertThat(Double.parseDouble(row[3])).as("GPU-h serving").isCloseTo(3.0, within(0.03));
      assertThat(Double.parseDouble(row[4])).as("GPU-h idle").isCloseTo(9.0, within(0.09));
      assertThat(Double.parseDouble(row[5])).as("GPU-h").isCloseTo(12.0, within(0.12));
      assertThat(Double.parseDouble(row[6])).as("cost").isCloseTo(28.0, within(0.28));
      setSleepTime(client, ns, "never");
      requestWake(client, ns, "meter");
      awaitUsage(client, ns, s -> holding(s).equals(List.of("a100-large")));
      clock.advance(Duration.ofHours(1));
      setSleepTime(client, ns, "1s");
      awaitUsage(client, ns, s -> holding(s).isEmpty());
      String[] period = reportRow(ns, "--since", snapshot.toString());
      assertThat(Double.parseDouble(period[5]))
          .as("GPU-h since the snapshot")
          .isCloseTo(1.0, within(0.01));
      assertThat(Double.parseDouble(period[6]))
          .as("cost since the snapshot")
          .isCloseTo(2.5, within(0.03));
    }
  }

  private static List<String> holding(Space space) {
    return space.getStatus().getUsage().getHolding();
  }

  private static void setSleepTime(KubernetesClient client, TestNamespace ns, String sleepTime) {
    SpaceWaits.editSpace(
        client,
        ns,
        "meter",
        s -> {
          s.getSpec().setSleepTime(sleepTime);
          return s;
        });
  }

  /** hack/usage-report's row for the Space "meter": namespace, name, flavors, then the numbers. */
  private static String[] reportRow(TestNamespace ns, String... args) {
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                "env",
                "KUBECONFIG=" + TestCluster.get().kubeconfig(),
                TestCluster.repoRoot().resolve("hack/usage-report").toString(),
                "-n",
                ns.name()));
    command.addAll(List.of(args));
    String out = LocalCommand.execute(command, null, null, Duration.ofSeconds(60), false).ok();
    return out.lines()
        .map(l -> l.trim().split("\\s+"))
        .filter(cols -> cols.length == 7 && cols[1].equals("meter"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no row for meter in:\n" + out));
  }

  private static FlavorUsage flavor(Space space, String name) {
    return space.getStatus().getUsage().getFlavors().stream()
        .filter(f -> f.getFlavor().equals(name))
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("no usage of " + name + ": " + space.getStatus().getUsage()));
  }

  private static void awaitUsage(
      KubernetesClient client, TestNamespace ns, java.util.function.Predicate<Space> test) {
    await("usage of meter")
        .atMost(WAIT)
        .until(
            () -> space(client, ns, "meter"),
            s -> s.getStatus() != null && s.getStatus().getUsage() != null && test.test(s));
  }

  /** The real clock plus the hours a test has skipped. */
  static class SteppedClock extends UsageClock {
    private volatile Duration skipped = Duration.ZERO;

    void advance(Duration duration) {
      skipped = skipped.plus(duration);
    }

    @Override
    public Instant now() {
      return Instant.now().plus(skipped);
    }
  }

  private static Pod fillA100(KubernetesClient client, TestNamespace ns, int gpus) {
    Pod pod = TestPods.gpuPod("other-work", A100, gpus);
    Pod created = client.pods().inNamespace(ns.name()).resource(pod).create();
    await("the other work holds " + gpus + " A100s")
        .atMost(WAIT)
        .until(() -> client.resource(created).get().getSpec().getNodeName() != null);
    return created;
  }

  private static String env(Pod pod, String name) {
    return pod.getSpec().getContainers().get(0).getEnv().stream()
        .filter(e -> e.getName().equals(name))
        .findFirst()
        .orElseThrow()
        .getValue();
  }

  private static void requestWake(KubernetesClient client, TestNamespace ns, String name) {
    client
        .resources(Space.class)
        .inNamespace(ns.name())
        .withName(name)
        .subresource("status")
        .patch(
            new PatchContext.Builder()
                .withPatchType(PatchType.JSON_MERGE)
                .withFieldManager("spaceport-gateway")
                .build(),
            "{\"status\":{\"wakeRequestedAt\":\"" + Instant.now() + "\"}}");
  }

  private String host(TestNamespace ns, String name) {
    return SpaceHosts.label(ns.name(), name) + ".spaces.localhost";
  }

  private void visit(TestNamespace ns, String name) throws Exception {
    var response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/"))
                .header("Host", host(ns, name))
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("visit to " + name).isEqualTo(200);
  }

  private JsonObject wakingStatus(TestNamespace ns, String name) throws Exception {
    var response =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + gateway.port() + "/.spaceport/status"))
                .header("Host", host(ns, name))
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return new JsonObject(response.body());
  }

  private io.vertx.core.http.WebSocket webSocket(Vertx vertx, TestNamespace ns, String name)
      throws Exception {
    return TestWebSockets.open(vertx, gateway.port(), host(ns, name), "/ws");
  }
}
