package dev.spaceport.cluster;

import static dev.spaceport.testing.SpaceWaits.WAIT;
import static dev.spaceport.testing.TestPods.condition;
import static dev.spaceport.testing.TestPods.gpuPod;
import static dev.spaceport.testing.TestPods.isReady;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spaceport.testing.ClusterExtension;
import dev.spaceport.testing.TestNamespace;
import dev.spaceport.testing.TestPods;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The real scheduler places GPU pods on the fake GPU nodes by product and capacity. */
@ExtendWith(ClusterExtension.class)
class GpuSchedulingIT {

  private static final String A10G = "NVIDIA-A10G";
  private static final String GPU = "nvidia.com/gpu";

  @Test
  void gpuNodesAdvertiseFeatureDiscoveryLabelsCapacityAndTaint(KubernetesClient client) {
    Map<String, Integer> gpusByProduct =
        client.nodes().withLabel("nvidia.com/gpu.product").list().getItems().stream()
            .collect(
                Collectors.groupingBy(
                    n -> n.getMetadata().getLabels().get("nvidia.com/gpu.product"),
                    Collectors.summingInt(n -> gpus(n))));
    assertThat(gpusByProduct)
        .containsEntry("Tesla-T4", 2)
        .containsEntry(A10G, 8)
        .containsEntry("NVIDIA-A100-SXM4-80GB", 8)
        .containsEntry("NVIDIA-H100-80GB-HBM3", 8);
    for (Node node : client.nodes().withLabel("nvidia.com/gpu.product").list().getItems()) {
      assertThat(node.getMetadata().getLabels())
          .containsKeys("nvidia.com/gpu.count", "nvidia.com/gpu.memory");
      assertThat(node.getStatus().getCapacity()).containsKey(GPU);
      assertThat(node.getSpec().getTaints())
          .anySatisfy(
              t -> {
                assertThat(t.getKey()).isEqualTo(GPU);
                assertThat(t.getEffect()).isEqualTo("NoSchedule");
              });
    }
  }

  @Test
  void podAskingForOneA10gLandsOnAnA10gNodeAndBecomesReady(
      KubernetesClient client, TestNamespace ns) {
    client.pods().inNamespace(ns.name()).resource(gpuPod("a10g-app", A10G, 1)).create();

    Pod pod =
        await()
            .atMost(WAIT)
            .until(
                () -> client.pods().inNamespace(ns.name()).withName("a10g-app").get(),
                p -> isReady(p));

    Node node = client.nodes().withName(pod.getSpec().getNodeName()).get();
    assertThat(node.getMetadata().getLabels()).containsEntry("nvidia.com/gpu.product", A10G);
    assertThat(pod.getStatus().getPodIP()).startsWith("127.65.");
  }

  @Test
  void whenEveryA10gIsTakenTheNextPodStaysPendingWithTheSchedulersMessage(
      KubernetesClient client, TestNamespace ns) {
    int free = freeGpus(client, A10G);
    assertThat(free).as("free A10G GPUs before the test").isPositive();
    IntStream.range(0, free)
        .forEach(
            i ->
                client
                    .pods()
                    .inNamespace(ns.name())
                    .resource(gpuPod("taker-" + i, A10G, 1))
                    .create());
    await()
        .atMost(WAIT)
        .until(
            () ->
                client.pods().inNamespace(ns.name()).list().getItems().stream()
                        .filter(TestPods::isReady)
                        .count()
                    == free);

    client.pods().inNamespace(ns.name()).resource(gpuPod("one-too-many", A10G, 1)).create();

    PodCondition scheduled =
        await()
            .atMost(WAIT)
            .until(
                () ->
                    condition(
                            client.pods().inNamespace(ns.name()).withName("one-too-many").get(),
                            "PodScheduled")
                        .orElse(null),
                c -> c != null && "False".equals(c.getStatus()));
    assertThat(scheduled.getReason()).isEqualTo("Unschedulable");
    assertThat(scheduled.getMessage()).contains("Insufficient nvidia.com/gpu");
    assertThat(
            client
                .pods()
                .inNamespace(ns.name())
                .withName("one-too-many")
                .get()
                .getStatus()
                .getPhase())
        .isEqualTo("Pending");
  }

  /** GPUs of one product not requested by any pod that still holds its node. */
  private static int freeGpus(KubernetesClient client, String product) {
    List<Node> nodes =
        client.nodes().withLabel("nvidia.com/gpu.product", product).list().getItems();
    Set<String> names =
        nodes.stream().map(n -> n.getMetadata().getName()).collect(Collectors.toSet());
    // Earlier tests' pods may still be leaving; count once they are gone.
    await()
        .atMost(WAIT)
        .until(
            () ->
                client.pods().inAnyNamespace().list().getItems().stream()
                    .noneMatch(
                        p ->
                            names.contains(p.getSpec().getNodeName())
                                && p.getMetadata().getDeletionTimestamp() != null));
    int total = nodes.stream().mapToInt(GpuSchedulingIT::gpus).sum();
    int used =
        client.pods().inAnyNamespace().list().getItems().stream()
            .filter(p -> names.contains(p.getSpec().getNodeName()))
            .filter(p -> !Set.of("Succeeded", "Failed").contains(p.getStatus().getPhase()))
            .flatMap(p -> p.getSpec().getContainers().stream())
            .map(
                c ->
                    c.getResources().getLimits() == null
                        ? null
                        : c.getResources().getLimits().get(GPU))
            .filter(q -> q != null)
            .mapToInt(q -> q.getNumericalAmount().intValue())
            .sum();
    return total - used;
  }

  private static int gpus(Node node) {
    Quantity q = node.getStatus().getAllocatable().get(GPU);
    return q == null ? 0 : q.getNumericalAmount().intValue();
  }
}
