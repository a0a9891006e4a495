package dev.spaceport.operator;

import static dev.spaceport.testing.SpaceWaits.WAIT;
import static dev.spaceport.testing.SpaceWaits.awaitStage;
import static dev.spaceport.testing.SpaceWaits.editSpace;
import static dev.spaceport.testing.SpaceWaits.space;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spaceport.api.HardwareFlavor;
import dev.spaceport.api.HardwareFlavorSpec;
import dev.spaceport.api.Space;
import dev.spaceport.rules.SpaceHosts;
import dev.spaceport.testing.ClusterExtension;
import dev.spaceport.testing.LocalClusterResource;
import dev.spaceport.testing.SpaceWaits;
import dev.spaceport.testing.TestCluster;
import dev.spaceport.testing.TestNamespace;
import dev.spaceport.testing.TestPods;
import dev.spaceport.testing.TestSpaces;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operator, running in this JVM, against the local control plane: apply, pause and restart, and
 * waiting for GPU capacity (docs/architecture.md).
 */
@QuarkusTest
@QuarkusTestResource(LocalClusterResource.class)
@ExtendWith(ClusterExtension.class)
class SpaceOperatorIT {

  private static final String SECRET_VALUE = "hf_test_value_never_shown";

  /** The operator's own meters (JOSDK's reconcile metrics, bound by quarkus-operator-sdk). */
  @Inject MeterRegistry meters;

  /** Reconciles started for the Spaces of one namespace (JOSDK tags its meters per resource). */
  private double reconcilesStarted(TestNamespace ns) {
    return meters.find("operator.sdk.reconciliations.started").counters().stream()
        .filter(c -> c.getId().getTags().stream().anyMatch(t -> t.getValue().equals(ns.name())))
        .mapToDouble(Counter::count)
        .sum();
  }

  @Test
  void a10gSpaceRunsOnAnA10gNodeWithOneGpuTheHubEnvAndItsSecret(
      KubernetesClient client, TestNamespace ns) {
    client
        .secrets()
        .inNamespace(ns.name())
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("hf")
                .endMetadata()
                .addToData(
                    "token",
                    Base64.getEncoder()
                        .encodeToString(SECRET_VALUE.getBytes(StandardCharsets.UTF_8)))
                .build())
        .create();
    Space space =
        TestSpaces.withSecret(
            TestSpaces.gradio(ns.name(), "demo", "a10g-small"), "HF_TOKEN", "hf", "token");
    space.getSpec().setVariables(Map.of("MODEL_REPO_ID", "Qwen/Qwen3-VL-2B-Instruct"));
    client.resource(space).create();

    Space running = awaitStage(client, ns, "demo", "RUNNING");

    Pod pod = TestPods.onlyPod(client, ns, "demo");
    assertThat(client.nodes().withName(pod.getSpec().getNodeName()).get().getMetadata().getLabels())
        .containsEntry("nvidia.com/gpu.product", "NVIDIA-A10G");
    Container app = pod.getSpec().getContainers().get(0);
    assertThat(app.getResources().getLimits()).containsEntry("nvidia.com/gpu", new Quantity("1"));
    Map<String, String> env =
        app.getEnv().stream()
            .filter(e -> e.getValue() != null)
            .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    String host = SpaceHosts.label(ns.name(), "demo") + ".spaces.localhost";
    assertThat(env)
        .containsEntry("SPACE_ID", ns.name() + "/demo")
        .containsEntry("SPACE_AUTHOR_NAME", ns.name())
        .containsEntry("SPACE_REPO_NAME", "demo")
        .containsEntry("SPACE_HOST", host)
        .containsEntry("ACCELERATOR", "a10g-small")
        .containsEntry("GRADIO_SERVER_NAME", "0.0.0.0")
        .containsEntry("GRADIO_SERVER_PORT", "7860")
        .containsEntry("MODEL_REPO_ID", "Qwen/Qwen3-VL-2B-Instruct")
        .containsKeys("CPU_CORES", "MEMORY", "SPACE_TITLE");
    assertThat(app.getEnv())
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("HF_TOKEN");
              assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("hf");
              assertThat(e.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("token");
            });
    // kwok runs no kubelet, so the file itself cannot be read here: the pod spec must mount it.
    assertThat(pod.getSpec().getVolumes())
        .filteredOn(v -> v.getProjected() != null)
        .anySatisfy(
            v ->
                assertThat(v.getProjected().getSources())
                    .anySatisfy(
                        s ->
                            assertThat(s.getSecret().getItems())
                                .anySatisfy(
                                    i -> {
                                      assertThat(i.getKey()).isEqualTo("token");
                                      assertThat(i.getPath()).isEqualTo("HF_TOKEN");
                                    })));
    assertThat(app.getVolumeMounts())
        .anySatisfy(
            m -> {
              assertThat(m.getMountPath()).isEqualTo("/run/secrets");
              assertThat(m.getReadOnly()).isTrue();
            });
    assertThat(pod.getSpec().getSecurityContext().getRunAsUser()).isEqualTo(1000L);
    assertThat(pod.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(app.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");

    assertThat(running.getStatus().getUrl()).isEqualTo("http://" + host + "/");
    assertThat(running.getStatus().getHost()).isEqualTo(host);
    assertThat(running.getStatus().getHardware().getRequested()).isEqualTo("a10g-small");
    assertThat(running.getStatus().getHardware().getCurrent()).isEqualTo("a10g-small");
    assertThat(running.getStatus().getObservedGeneration())
        .isEqualTo(running.getMetadata().getGeneration());
    assertThat(SpaceWaits.conditions(running))
        .containsEntry("Ready", "True")
        .containsEntry("Scheduled", "True")
        .containsEntry("Available", "True");
    Service service = client.services().inNamespace(ns.name()).withName("demo").get();
    assertThat(service.getSpec().getSelector()).isNullOrEmpty();
    assertThat(service.getSpec().getPorts().get(0).getPort()).isEqualTo(7860);
    Ingress ingress =
        client.network().v1().ingresses().inNamespace(ns.name()).withName("demo").get();
    assertThat(ingress.getSpec().getRules().get(0).getHost()).isEqualTo(host);
    // The Service's endpoints are the gateway's (TEST-NET addresses here; the apiserver refuses
    // loopback).
    var slice =
        client
            .discovery()
            .v1()
            .endpointSlices()
            .inNamespace(ns.name())
            .withName("demo-gateway")
            .get();
    assertThat(slice.getMetadata().getLabels()).containsEntry("kubernetes.io/service-name", "demo");
    assertThat(slice.getEndpoints())
        .flatExtracting(e -> e.getAddresses())
        .containsExactly("192.0.2.10", "192.0.2.11");
    assertThat(slice.getPorts())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getName()).isEqualTo("http");
              assertThat(p.getPort()).isEqualTo(8080);
            });
    assertThat(events(client, ns)).contains("Running");
    String everythingShown =
        Serialization.asJson(running.getStatus())
            + client.v1().events().inNamespace(ns.name()).list().getItems().stream()
                .map(e -> e.getMessage())
                .collect(Collectors.joining());
    assertThat(everythingShown).doesNotContain(SECRET_VALUE);
  }

  @Test
  void unchangedSpaceReconciledAgainFor30SecondsChangesNoOwnedObject(
      KubernetesClient client, TestNamespace ns) {
    client.resource(TestSpaces.gradio(ns.name(), "steady", "t4-small")).create();
    awaitStage(client, ns, "steady", "RUNNING");
    Map<String, String> before = ownedResourceVersions(client, ns, "steady");
    String spaceVersion = space(client, ns, "steady").getMetadata().getResourceVersion();

    // A change to the Space's flavor object makes the operator reconcile every Space on it.
    double reconcilesBefore = reconcilesStarted(ns);
    Instant end = Instant.now().plusSeconds(30);
    int touch = 0;
    while (Instant.now().isBefore(end)) {
      String value = Integer.toString(touch++);
      client
          .resources(HardwareFlavor.class)
          .withName("t4-small")
          .edit(
              f -> {
                f.getMetadata().setAnnotations(Map.of("spaceport.dev/test-touch", value));
                return f;
              });
      await().pollDelay(Duration.ofSeconds(3)).until(() -> true);
    }

    assertThat(reconcilesStarted(ns) - reconcilesBefore)
        .as("reconciles during the 30 s")
        .isGreaterThanOrEqualTo(touch / 2.0);
    assertThat(ownedResourceVersions(client, ns, "steady")).isEqualTo(before);
    assertThat(space(client, ns, "steady").getMetadata().getResourceVersion())
        .isEqualTo(spaceVersion);
  }

  @Test
  void changingTheFlavorMovesThePodOntoMatchingNodes(KubernetesClient client, TestNamespace ns) {
    client.resource(TestSpaces.gradio(ns.name(), "mover", "a10g-small")).create();
    awaitStage(client, ns, "mover", "RUNNING");
    String firstPod = TestPods.onlyPod(client, ns, "mover").getMetadata().getName();

    editSpace(
        client,
        ns,
        "mover",
        s -> {
          s.getSpec().setHardware("t4-small");
          return s;
        });

    await()
        .atMost(WAIT)
        .until(
            () -> {
              Space s = space(client, ns, "mover");
              return "RUNNING".equals(s.getStatus().getStage())
                  && "t4-small".equals(s.getStatus().getHardware().getCurrent());
            });
    await().atMost(WAIT).until(() -> TestPods.ofSpace(client, ns, "mover").size() == 1);
    Pod pod = TestPods.onlyPod(client, ns, "mover");
    assertThat(pod.getMetadata().getName()).isNotEqualTo(firstPod);
    assertThat(client.nodes().withName(pod.getSpec().getNodeName()).get().getMetadata().getLabels())
        .containsEntry("nvidia.com/gpu.product", "Tesla-T4");
  }

  @Test
  void withoutCapacityTheSpaceWaitsInAppStartingWithTheSchedulersMessage(
      KubernetesClient client, TestNamespace ns) {
    // The local cluster has one A100 node with 8 GPUs: one a100x8 Space takes them all.
    client.resource(TestSpaces.gradio(ns.name(), "first", "a100x8")).create();
    awaitStage(client, ns, "first", "RUNNING");

    client.resource(TestSpaces.gradio(ns.name(), "second", "a100x8")).create();

    Space waiting =
        await()
            .atMost(WAIT)
            .until(
                () -> space(client, ns, "second"),
                s ->
                    s.getStatus() != null
                        && "InsufficientCapacity".equals(SpaceWaits.reason(s, "Scheduled")));
    assertThat(waiting.getStatus().getStage()).isEqualTo("APP_STARTING");
    assertThat(SpaceWaits.condition(waiting, "Scheduled").getStatus()).isEqualTo("False");
    assertThat(SpaceWaits.condition(waiting, "Scheduled").getMessage())
        .contains("Insufficient nvidia.com/gpu");

    client.resources(Space.class).inNamespace(ns.name()).withName("first").delete();
    awaitStage(client, ns, "second", "RUNNING");
  }

  @Test
  void pausedSpaceHasNoPodAndStagePaused(KubernetesClient client, TestNamespace ns) {
    client.resource(TestSpaces.gradio(ns.name(), "napper", "cpu-basic")).create();
    awaitStage(client, ns, "napper", "RUNNING");

    editSpace(
        client,
        ns,
        "napper",
        s -> {
          s.getSpec().setPaused(true);
          return s;
        });

    awaitStage(client, ns, "napper", "PAUSED");
    await().atMost(WAIT).until(() -> TestPods.ofSpace(client, ns, "napper").isEmpty());
    assertThat(
            client
                .apps()
                .deployments()
                .inNamespace(ns.name())
                .withName("napper")
                .get()
                .getSpec()
                .getReplicas())
        .isZero();
  }

  @Test
  void unknownFlavorIsAConfigErrorListingTheFlavorsThatExist(
      KubernetesClient client, TestNamespace ns) {
    client.resource(TestSpaces.gradio(ns.name(), "lost", "tpu-v9")).create();

    Space space = awaitStage(client, ns, "lost", "CONFIG_ERROR");

    assertThat(space.getStatus().getMessage())
        .contains("tpu-v9")
        .contains("cpu-basic")
        .contains("a10g-small");
    assertThat(SpaceWaits.reason(space, "Ready")).isEqualTo("FlavorNotFound");
    assertThat(client.apps().deployments().inNamespace(ns.name()).withName("lost").get()).isNull();
  }

  @Test
  void spaceWhoseFlavorIsDeletedKeepsItsPodAndSaysWhy(KubernetesClient client, TestNamespace ns) {
    String flavorName = "it-" + ns.suffix();
    HardwareFlavor flavor = new HardwareFlavor();
    flavor.setMetadata(new ObjectMetaBuilder().withName(flavorName).build());
    HardwareFlavorSpec spec = new HardwareFlavorSpec();
    spec.setCpu(new Quantity("1"));
    spec.setMemory(new Quantity("1Gi"));
    flavor.setSpec(spec);
    client.resource(flavor).create();
    try {
      client.resource(TestSpaces.gradio(ns.name(), "orphan", flavorName)).create();
      awaitStage(client, ns, "orphan", "RUNNING");
      String podName = TestPods.onlyPod(client, ns, "orphan").getMetadata().getName();
      String deploymentVersion =
          client
              .apps()
              .deployments()
              .inNamespace(ns.name())
              .withName("orphan")
              .get()
              .getMetadata()
              .getResourceVersion();

      client.resource(flavor).delete();

      Space space = awaitStage(client, ns, "orphan", "CONFIG_ERROR");
      assertThat(SpaceWaits.reason(space, "Ready")).isEqualTo("FlavorNotFound");
      assertThat(SpaceWaits.condition(space, "Available").getStatus()).isEqualTo("True");
      assertThat(TestPods.onlyPod(client, ns, "orphan").getMetadata().getName()).isEqualTo(podName);
      assertThat(
              client
                  .apps()
                  .deployments()
                  .inNamespace(ns.name())
                  .withName("orphan")
                  .get()
                  .getMetadata()
                  .getResourceVersion())
          .isEqualTo(deploymentVersion);
    } finally {
      client.resource(flavor).delete();
    }
  }

  @Test
  void spaceNamingAMissingSecretKeepsItsPodAndSaysWhichSecret(
      KubernetesClient client, TestNamespace ns) {
    client.resource(TestSpaces.gradio(ns.name(), "forgetful", "cpu-basic")).create();
    awaitStage(client, ns, "forgetful", "RUNNING");
    String podName = TestPods.onlyPod(client, ns, "forgetful").getMetadata().getName();

    editSpace(
        client, ns, "forgetful", s -> TestSpaces.withSecret(s, "HF_TOKEN", "nowhere", "token"));

    Space space = awaitStage(client, ns, "forgetful", "CONFIG_ERROR");
    assertThat(SpaceWaits.reason(space, "Ready")).isEqualTo("SecretNotFound");
    assertThat(space.getStatus().getMessage()).contains("HF_TOKEN").contains("nowhere");
    assertThat(TestPods.onlyPod(client, ns, "forgetful").getMetadata().getName())
        .isEqualTo(podName);
    assertThat(TestPods.onlyPod(client, ns, "forgetful").getSpec().getContainers().get(0).getEnv())
        .noneMatch(e -> e.getName().equals("HF_TOKEN"));
  }

  @Test
  void aWriteTheApiserverRefusesIsReportedInStatus(KubernetesClient client, TestNamespace ns) {
    // A namespace quota that allows no Service: the operator's apply is refused, and JOSDK retries.
    client
        .resourceQuotas()
        .inNamespace(ns.name())
        .resource(
            new io.fabric8.kubernetes.api.model.ResourceQuotaBuilder()
                .withNewMetadata()
                .withName("no-services")
                .endMetadata()
                .withNewSpec()
                .addToHard("services", new Quantity("0"))
                .endSpec()
                .build())
        .create();
    await()
        .atMost(WAIT)
        .until(
            () ->
                client
                        .resourceQuotas()
                        .inNamespace(ns.name())
                        .withName("no-services")
                        .get()
                        .getStatus()
                    != null);

    client.resource(TestSpaces.gradio(ns.name(), "quota", "cpu-basic")).create();

    Space space =
        await()
            .atMost(WAIT)
            .until(
                () -> space(client, ns, "quota"),
                s -> "ApplyFailed".equals(SpaceWaits.reason(s, "Ready")));
    assertThat(space.getStatus().getMessage()).contains("exceeded quota");
    assertThat(SpaceWaits.condition(space, "Ready").getStatus()).isEqualTo("False");
  }

  @Test
  void crashLoopIsARuntimeErrorWithTheContainersLastMessage(
      KubernetesClient client, TestNamespace ns) {
    client
        .resource(
            TestSpaces.annotated(
                TestSpaces.gradio(ns.name(), "crasher", "cpu-basic"),
                Map.of(
                    "spaceport.dev/test-behaviour",
                    "crashloop",
                    "spaceport.dev/test-message",
                    "ModuleNotFoundError: No module named 'gradio'")))
        .create();

    Space space = awaitStage(client, ns, "crasher", "RUNTIME_ERROR");

    assertThat(space.getStatus().getMessage())
        .contains("ModuleNotFoundError: No module named 'gradio'")
        .contains("Exit code 1");
    assertThat(SpaceWaits.reason(space, "Ready")).isEqualTo("CrashLoopBackOff");
    assertThat(events(client, ns)).contains("RuntimeError");
  }

  @Test
  void imagePullErrorIsARuntimeErrorNamingTheImage(KubernetesClient client, TestNamespace ns) {
    client
        .resource(
            TestSpaces.annotated(
                TestSpaces.gradio(ns.name(), "unpullable", "cpu-basic"),
                Map.of("spaceport.dev/test-behaviour", "image-pull-error")))
        .create();

    Space space = awaitStage(client, ns, "unpullable", "RUNTIME_ERROR");

    assertThat(SpaceWaits.reason(space, "Ready")).isEqualTo("ImagePullBackOff");
    assertThat(space.getStatus().getMessage()).contains(TestSpaces.IMAGE);
  }

  @Test
  void oomKilledAppIsARuntimeErrorSayingSo(KubernetesClient client, TestNamespace ns) {
    client
        .resource(
            TestSpaces.annotated(
                TestSpaces.gradio(ns.name(), "hungry", "cpu-basic"),
                Map.of("spaceport.dev/test-behaviour", "oomkilled")))
        .create();

    Space space = awaitStage(client, ns, "hungry", "RUNTIME_ERROR");

    assertThat(SpaceWaits.reason(space, "Ready")).isEqualTo("OOMKilled");
    assertThat(space.getStatus().getMessage()).contains("OOMKilled");
  }

  @Test
  void appNotHealthyWithinStartupTimeoutIsARuntimeError(KubernetesClient client, TestNamespace ns) {
    Space slow =
        TestSpaces.annotated(
            TestSpaces.gradio(ns.name(), "sleepy", "cpu-basic"),
            Map.of("spaceport.dev/test-behaviour", "never-ready"));
    slow.getSpec().setStartupTimeout("8s");
    client.resource(slow).create();

    awaitStage(client, ns, "sleepy", "APP_STARTING");
    Space space = awaitStage(client, ns, "sleepy", "RUNTIME_ERROR");

    assertThat(SpaceWaits.reason(space, "Ready")).isEqualTo("StartupTimeout");
    assertThat(space.getStatus().getMessage()).contains("8s");
  }

  /** The kubelet turns Ready False only past the readiness probe's failure threshold. */
  @Test
  void podThatLosesReadinessIsUnhealthyAndRunsAgainWhenItIsRegained(
      KubernetesClient client, TestNamespace ns) {
    client.resource(TestSpaces.gradio(ns.name(), "wobbly", "cpu-basic")).create();
    awaitStage(client, ns, "wobbly", "RUNNING");
    String pod = TestPods.onlyPod(client, ns, "wobbly").getMetadata().getName();

    TestPods.annotate(client, ns, pod, "spaceport.dev/test-readiness", "lost");
    Space sick = awaitStage(client, ns, "wobbly", "RUNTIME_ERROR");
    assertThat(SpaceWaits.reason(sick, "Ready")).isEqualTo("Unhealthy");
    assertThat(SpaceWaits.condition(sick, "Stalled").getStatus()).isEqualTo("True");

    TestPods.annotate(client, ns, pod, "spaceport.dev/test-readiness", null);
    awaitStage(client, ns, "wobbly", "RUNNING");
  }

  /**
   * Every start passes through "started, not yet ready" (a kubelet's startup probe passed, its
   * readiness probe not yet), a container restart too: that is starting, never an error.
   */
  @Test
  void startsAndContainerRestartsAreAppStartingNeverARuntimeError(
      KubernetesClient client, TestNamespace ns) throws Exception {
    List<String> stages = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (var watch =
        client
            .resources(Space.class)
            .inNamespace(ns.name())
            .withName("phoenix")
            .watch(
                new io.fabric8.kubernetes.client.Watcher<Space>() {
                  @Override
                  public void eventReceived(Action action, Space space) {
                    if (space.getStatus() != null && space.getStatus().getStage() != null) {
                      stages.add(space.getStatus().getStage());
                    }
                  }

                  @Override
                  public void onClose(io.fabric8.kubernetes.client.WatcherException cause) {}
                })) {
      client.resource(TestSpaces.gradio(ns.name(), "phoenix", "cpu-basic")).create();
      awaitStage(client, ns, "phoenix", "RUNNING");
      String pod = TestPods.onlyPod(client, ns, "phoenix").getMetadata().getName();
      int runningSeen = (int) stages.stream().filter("RUNNING"::equals).count();

      // Not ready for 5 s after the restart, so the operator surely sees it between two states.
      TestPods.annotate(client, ns, pod, "ready.stage.spaceport.dev/delay", "5s");
      TestPods.annotate(client, ns, pod, "spaceport.dev/test-restart", "once");
      await()
          .atMost(WAIT)
          .until(
              () -> {
                Pod now = TestPods.onlyPod(client, ns, "phoenix");
                return now.getStatus().getContainerStatuses().get(0).getRestartCount() == 1
                    && TestPods.isReady(now)
                    && "RUNNING"
                        .equals(SpaceWaits.space(client, ns, "phoenix").getStatus().getStage())
                    && stages.stream().filter("RUNNING"::equals).count() > runningSeen;
              });
    }
    assertThat(stages).doesNotContain("RUNTIME_ERROR");
    assertThat(stages.stream().distinct()).containsExactly("APP_STARTING", "RUNNING");
    assertThat(events(client, ns)).doesNotContain("RuntimeError");
  }

  @Test
  void newSpecStartsBehindTheServingPodAsRunningAppStarting(
      KubernetesClient client, TestNamespace ns) {
    client.resource(TestSpaces.gradio(ns.name(), "rolling", "cpu-basic")).create();
    awaitStage(client, ns, "rolling", "RUNNING");

    editSpace(
        client,
        ns,
        "rolling",
        s -> {
          s.getMetadata().setAnnotations(Map.of("pod-ready.stage.kwok.x-k8s.io/delay", "6s"));
          s.getSpec().setVariables(Map.of("VERSION", "2"));
          return s;
        });

    Space rolling = awaitStage(client, ns, "rolling", "RUNNING_APP_STARTING");
    assertThat(SpaceWaits.condition(rolling, "Available").getStatus()).isEqualTo("True");
    awaitStage(client, ns, "rolling", "RUNNING");
    await().atMost(WAIT).until(() -> TestPods.ofSpace(client, ns, "rolling").size() == 1);
  }

  @Test
  void restartedAtAnnotationRollsThePod(KubernetesClient client, TestNamespace ns) {
    client.resource(TestSpaces.gradio(ns.name(), "restarter", "cpu-basic")).create();
    awaitStage(client, ns, "restarter", "RUNNING");
    String firstPod = TestPods.onlyPod(client, ns, "restarter").getMetadata().getName();

    editSpace(
        client,
        ns,
        "restarter",
        s -> {
          s.getMetadata()
              .setAnnotations(Map.of("spaceport.dev/restartedAt", Instant.now().toString()));
          return s;
        });

    await()
        .atMost(WAIT)
        .until(
            () -> {
              List<Pod> pods = TestPods.ofSpace(client, ns, "restarter");
              return pods.size() == 1
                  && !pods.get(0).getMetadata().getName().equals(firstPod)
                  && TestPods.isReady(pods.get(0));
            });
    awaitStage(client, ns, "restarter", "RUNNING");
  }

  @Test
  void deletingTheSpaceRemovesEveryOwnedObject(KubernetesClient client, TestNamespace ns) {
    client.resource(TestSpaces.gradio(ns.name(), "doomed", "cpu-basic")).create();
    awaitStage(client, ns, "doomed", "RUNNING");

    client.resources(Space.class).inNamespace(ns.name()).withName("doomed").delete();

    await()
        .atMost(WAIT)
        .until(
            () ->
                client.apps().deployments().inNamespace(ns.name()).withName("doomed").get() == null
                    && client.services().inNamespace(ns.name()).withName("doomed").get() == null
                    && client
                            .network()
                            .v1()
                            .ingresses()
                            .inNamespace(ns.name())
                            .withName("doomed")
                            .get()
                        == null
                    && client
                            .discovery()
                            .v1()
                            .endpointSlices()
                            .inNamespace(ns.name())
                            .withName("doomed-gateway")
                            .get()
                        == null
                    && TestPods.ofSpace(client, ns, "doomed").isEmpty());
  }

  /**
   * Everything the CRD admits, reconciled for real (not only dry-run): each valid Space gets a
   * status for its generation, and no write of its objects is refused (a Service name with a dot,
   * say, would be).
   */
  @Test
  void everySpaceTheCrdAdmitsIsReconciledWithoutARefusedWrite(
      KubernetesClient client, TestNamespace ns) throws Exception {
    List<String> names = new java.util.ArrayList<>();
    try (var files =
        java.nio.file.Files.list(
            TestCluster.repoRoot().resolve("src/test/resources/valid-spaces"))) {
      for (var file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        var space =
            client
                .getKubernetesSerialization()
                .unmarshal(
                    java.nio.file.Files.readString(file),
                    io.fabric8.kubernetes.api.model.GenericKubernetesResource.class);
        space.getMetadata().setNamespace(ns.name());
        client.resource(space).create();
        names.add(space.getMetadata().getName());
      }
    }
    assertThat(names).hasSizeGreaterThanOrEqualTo(4);
    for (String name : names) {
      Space reconciled =
          await("status of " + name)
              .atMost(WAIT)
              .until(
                  () -> space(client, ns, name),
                  s ->
                      s.getStatus() != null
                          && s.getMetadata()
                              .getGeneration()
                              .equals(s.getStatus().getObservedGeneration()));
      // A valid spec either runs (or starts) or waits for what it names (a Secret): never
      // ApplyFailed.
      await("no refused write for " + name)
          .during(Duration.ofSeconds(3))
          .atMost(WAIT)
          .until(() -> !"ApplyFailed".equals(SpaceWaits.reason(space(client, ns, name), "Ready")));
      assertThat(reconciled.getStatus().getStage()).isNotNull();
    }
  }

  /**
   * A namespace that enforces the restricted Pod Security Standard admits every kind of Space pod:
   * from an image, from git (with its clone container and credentials), with secrets.
   */
  @Test
  void spacePodsAreAdmittedWhereRestrictedPodSecurityIsEnforced(
      KubernetesClient client, TestNamespace ns) {
    client
        .namespaces()
        .withName(ns.name())
        .edit(
            n -> {
              n.getMetadata().getLabels().put("pod-security.kubernetes.io/enforce", "restricted");
              n.getMetadata()
                  .getLabels()
                  .put("pod-security.kubernetes.io/enforce-version", "latest");
              return n;
            });
    for (String secret : List.of("hf", "git-credentials")) {
      client
          .secrets()
          .inNamespace(ns.name())
          .resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName(secret)
                  .endMetadata()
                  .addToData("token", Base64.getEncoder().encodeToString("t".getBytes()))
                  .addToData("username", Base64.getEncoder().encodeToString("u".getBytes()))
                  .addToData("password", Base64.getEncoder().encodeToString("p".getBytes()))
                  .build())
          .create();
    }
    client.resource(TestSpaces.gradio(ns.name(), "from-image", "cpu-basic")).create();
    client
        .resource(
            TestSpaces.withSecret(
                TestSpaces.gradio(ns.name(), "with-secret", "cpu-basic"),
                "HF_TOKEN",
                "hf",
                "token"))
        .create();
    Space fromGit = TestSpaces.gradio(ns.name(), "from-git", "cpu-basic");
    var git = new dev.spaceport.api.GitSource();
    git.setUrl("https://git.example.test/team/app.git");
    git.setCredentialsSecret("git-credentials");
    var source = new dev.spaceport.api.SpaceSource();
    source.setGit(git);
    fromGit.getSpec().setSource(source);
    client.resource(fromGit).create();

    for (String name : List.of("from-image", "with-secret", "from-git")) {
      awaitStage(client, ns, name, "RUNNING");
    }
    assertThat(
            client.v1().events().inNamespace(ns.name()).list().getItems().stream()
                .filter(e -> "FailedCreate".equals(e.getReason()))
                .map(e -> e.getMessage())
                .toList())
        .isEmpty();
  }

  @Test
  void everyExampleReachesRunning(KubernetesClient client, TestNamespace ns) throws Exception {
    List<String> spaces = new java.util.ArrayList<>();
    try (var files = java.nio.file.Files.list(TestCluster.repoRoot().resolve("examples"))) {
      for (var file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        try (var in = java.nio.file.Files.newInputStream(file)) {
          for (HasMetadata object : client.load(in).items()) {
            client.resource(object).inNamespace(ns.name()).create();
            if (object.getKind().equals("Space")) {
              spaces.add(object.getMetadata().getName());
            }
          }
        }
      }
    }
    assertThat(spaces).hasSizeGreaterThanOrEqualTo(3);
    spaces.forEach(name -> awaitStage(client, ns, name, "RUNNING"));
  }

  private static Map<String, String> ownedResourceVersions(
      KubernetesClient client, TestNamespace ns, String name) {
    List<HasMetadata> owned =
        List.of(
            client.apps().deployments().inNamespace(ns.name()).withName(name).get(),
            client.services().inNamespace(ns.name()).withName(name).get(),
            client.network().v1().ingresses().inNamespace(ns.name()).withName(name).get(),
            client
                .discovery()
                .v1()
                .endpointSlices()
                .inNamespace(ns.name())
                .withName(name + "-gateway")
                .get());
    return owned.stream()
        .collect(Collectors.toMap(HasMetadata::getKind, o -> o.getMetadata().getResourceVersion()));
  }

  private static String events(KubernetesClient client, TestNamespace ns) {
    return client.v1().events().inNamespace(ns.name()).list().getItems().stream()
        .map(e -> e.getReason())
        .collect(Collectors.joining(","));
  }
}
