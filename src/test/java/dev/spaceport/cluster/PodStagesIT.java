package dev.spaceport.cluster;

import static dev.spaceport.cluster.ClusterTestPods.cpuPod;
import static dev.spaceport.testing.SpaceWaits.WAIT;
import static dev.spaceport.testing.TestPods.condition;
import static dev.spaceport.testing.TestPods.isReady;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spaceport.testing.ClusterExtension;
import dev.spaceport.testing.TestNamespace;
import dev.spaceport.testing.TestPods;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * kwok's stages and Spaceport's test stages (cluster/test-stages.yaml) give pods the statuses a
 * kubelet would report, selected per pod by an annotation.
 */
@ExtendWith(ClusterExtension.class)
class PodStagesIT {

  private static final String BEHAVIOUR = "spaceport.dev/test-behaviour";

  @Test
  void plainPodBecomesRunningAndReadyWithALoopbackIp(KubernetesClient client, TestNamespace ns) {
    Pod pod = create(client, ns, cpuPod("plain", Map.of()), TestPods::isReady);

    assertThat(pod.getStatus().getPhase()).isEqualTo("Running");
    assertThat(pod.getStatus().getPodIP()).startsWith("127.65.");
    assertThat(pod.getStatus().getHostIP()).isEqualTo("127.0.0.1");
  }

  /** A kubelet: the container starts (startup probe passed), and Ready follows a moment later. */
  @Test
  void plainPodStartsThenTurnsReadyAMomentLaterAsAKubeletReportsIt(
      KubernetesClient client, TestNamespace ns) {
    client.pods().inNamespace(ns.name()).resource(cpuPod("kubelet-like", Map.of())).create();
    Pod started =
        await()
            .atMost(WAIT)
            .pollInterval(Duration.ofMillis(50))
            .until(
                () -> client.pods().inNamespace(ns.name()).withName("kubelet-like").get(),
                p -> startedAt(p) != null);
    assertThat(isReady(started)).as("ready the moment its app started").isFalse();
    assertThat(started.getStatus().getContainerStatuses().get(0).getStarted()).isTrue();

    Pod ready = awaitPod(client, ns, "kubelet-like", TestPods::isReady);
    assertThat(startedAt(ready)).isEqualTo(startedAt(started));
  }

  @Test
  void readinessIsLostWhenAskedAndRegainedWhenTheAskIsWithdrawn(
      KubernetesClient client, TestNamespace ns) {
    Pod ready = create(client, ns, cpuPod("wobbly", Map.of()), TestPods::isReady);
    TestPods.annotate(client, ns, "wobbly", "spaceport.dev/test-readiness", "lost");
    Pod lost = awaitPod(client, ns, "wobbly", p -> !isReady(p));
    assertThat(startedAt(lost)).as("the same container, still running").isEqualTo(startedAt(ready));
    assertThat(condition(lost, "Ready").orElseThrow().getLastTransitionTime())
        .isGreaterThan(startedAt(lost));

    TestPods.annotate(client, ns, "wobbly", "spaceport.dev/test-readiness", null);
    awaitPod(client, ns, "wobbly", TestPods::isReady);
  }

  @Test
  void containerRestartsOnceWhenAskedAndIsReadyAgain(KubernetesClient client, TestNamespace ns) {
    Pod ready = create(client, ns, cpuPod("phoenix", Map.of()), TestPods::isReady);
    TestPods.annotate(client, ns, "phoenix", "spaceport.dev/test-restart", "once");
    Pod again =
        awaitPod(
            client,
            ns,
            "phoenix",
            p -> isReady(p) && p.getStatus().getContainerStatuses().get(0).getRestartCount() == 1);
    ContainerStatus app = again.getStatus().getContainerStatuses().get(0);
    assertThat(app.getLastState().getTerminated().getExitCode()).isEqualTo(1);
    assertThat(app.getLastState().getTerminated().getStartedAt()).isEqualTo(startedAt(ready));
    assertThat(startedAt(again)).isGreaterThanOrEqualTo(startedAt(ready));
  }

  private static String startedAt(Pod pod) {
    if (pod == null
        || pod.getStatus() == null
        || pod.getStatus().getContainerStatuses() == null
        || pod.getStatus().getContainerStatuses().isEmpty()
        || pod.getStatus().getContainerStatuses().get(0).getState().getRunning() == null) {
      return null;
    }
    return pod.getStatus().getContainerStatuses().get(0).getState().getRunning().getStartedAt();
  }

  @Test
  void readyDelayAnnotationHoldsThePodNotReadyThatLong(KubernetesClient client, TestNamespace ns) {
    client
        .pods()
        .inNamespace(ns.name())
        .resource(cpuPod("slow", Map.of("pod-ready.stage.kwok.x-k8s.io/delay", "6s")))
        .create();

    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .until(() -> !isReady(client.pods().inNamespace(ns.name()).withName("slow").get()));
    await()
        .atMost(WAIT)
        .until(() -> isReady(client.pods().inNamespace(ns.name()).withName("slow").get()));
  }

  @Test
  void crashloopPodReportsBackOffRestartsAndTheLastMessage(
      KubernetesClient client, TestNamespace ns) {
    String message = "ModuleNotFoundError: No module named 'gradio'";
    Pod pod =
        create(
            client,
            ns,
            cpuPod(
                "crasher", Map.of(BEHAVIOUR, "crashloop", "spaceport.dev/test-message", message)),
            p -> waitingReason(p).equals("CrashLoopBackOff"));

    ContainerStatus app = pod.getStatus().getContainerStatuses().get(0);
    assertThat(app.getRestartCount()).isPositive();
    assertThat(app.getLastState().getTerminated().getExitCode()).isEqualTo(1);
    assertThat(app.getLastState().getTerminated().getMessage()).isEqualTo(message);
    assertThat(isReady(pod)).isFalse();
  }

  @Test
  void imagePullErrorPodStaysPendingInImagePullBackOff(KubernetesClient client, TestNamespace ns) {
    Pod pod =
        create(
            client,
            ns,
            cpuPod("unpullable", Map.of(BEHAVIOUR, "image-pull-error")),
            p -> waitingReason(p).equals("ImagePullBackOff"));

    assertThat(pod.getStatus().getPhase()).isEqualTo("Pending");
    assertThat(pod.getStatus().getContainerStatuses().get(0).getState().getWaiting().getMessage())
        .contains(ClusterTestPods.IMAGE);
  }

  @Test
  void oomKilledPodReportsExitCode137(KubernetesClient client, TestNamespace ns) {
    Pod pod =
        create(
            client,
            ns,
            cpuPod("hungry", Map.of(BEHAVIOUR, "oomkilled")),
            p -> waitingReason(p).equals("CrashLoopBackOff"));

    ContainerStatus app = pod.getStatus().getContainerStatuses().get(0);
    assertThat(app.getLastState().getTerminated().getReason()).isEqualTo("OOMKilled");
    assertThat(app.getLastState().getTerminated().getExitCode()).isEqualTo(137);
  }

  @Test
  void neverReadyPodRunsButStaysNotReady(KubernetesClient client, TestNamespace ns) {
    Pod pod =
        create(
            client,
            ns,
            cpuPod("deaf", Map.of(BEHAVIOUR, "never-ready")),
            p ->
                p.getStatus().getContainerStatuses() != null
                    && p.getStatus().getContainerStatuses().get(0).getState().getRunning() != null);

    assertThat(pod.getStatus().getPhase()).isEqualTo("Running");
    assertThat(condition(pod, "Ready"))
        .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("False"));
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .until(() -> !isReady(client.pods().inNamespace(ns.name()).withName("deaf").get()));
  }

  private static Pod create(
      KubernetesClient client, TestNamespace ns, Pod pod, Predicate<Pod> until) {
    client.pods().inNamespace(ns.name()).resource(pod).create();
    return awaitPod(client, ns, pod.getMetadata().getName(), until);
  }

  private static Pod awaitPod(
      KubernetesClient client, TestNamespace ns, String name, Predicate<Pod> until) {
    return await()
        .atMost(WAIT)
        .until(
            () -> client.pods().inNamespace(ns.name()).withName(name).get(),
            p -> p != null && p.getStatus() != null && until.test(p));
  }

  private static String waitingReason(Pod pod) {
    if (pod.getStatus().getContainerStatuses() == null
        || pod.getStatus().getContainerStatuses().isEmpty()) {
      return "";
    }
    var waiting = pod.getStatus().getContainerStatuses().get(0).getState().getWaiting();
    return waiting == null || waiting.getReason() == null ? "" : waiting.getReason();
  }
}
