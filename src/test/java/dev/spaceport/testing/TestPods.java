package dev.spaceport.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spaceport.rules.SpaceLabels;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.readiness.Readiness;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Pod look-ups of the cluster tests. */
public final class TestPods {

  private TestPods() {}

  /** The namespace's pods that are not being deleted. */
  public static List<Pod> live(KubernetesClient client, TestNamespace ns) {
    return client.pods().inNamespace(ns.name()).list().getItems().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .toList();
  }

  /** A Space's pods that are not being deleted. */
  public static List<Pod> ofSpace(KubernetesClient client, TestNamespace ns, String space) {
    return client
        .pods()
        .inNamespace(ns.name())
        .withLabel(SpaceLabels.SPACE, space)
        .list()
        .getItems()
        .stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .toList();
  }

  /** The Space's one live pod; fails when it has none or several. */
  public static Pod onlyPod(KubernetesClient client, TestNamespace ns, String space) {
    List<Pod> pods = ofSpace(client, ns, space);
    assertThat(pods).hasSize(1);
    return pods.get(0);
  }

  public static Optional<PodCondition> condition(Pod pod, String type) {
    if (pod == null || pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return pod.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst();
  }

  public static boolean isReady(Pod pod) {
    return pod != null && Readiness.isPodReady(pod);
  }

  /**
   * Sets (or, with null, removes) an annotation of a pod with a merge patch, which no status write
   * of kwok can conflict with: how a test asks the kubelet-like stages to act
   * (cluster/kubelet-stages.yaml).
   */
  public static void annotate(
      KubernetesClient client, TestNamespace ns, String pod, String key, String value) {
    String json =
        client
            .getKubernetesSerialization()
            .asJson(
                Map.of(
                    "metadata",
                    Map.of("annotations", java.util.Collections.singletonMap(key, value))));
    client
        .pods()
        .inNamespace(ns.name())
        .withName(pod)
        .patch(PatchContext.of(PatchType.JSON_MERGE), json);
  }

  /** A pod asking for GPUs of one product, as a Space pod on a GPU flavor does. */
  public static Pod gpuPod(String name, String product, int gpus) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .addToNodeSelector("nvidia.com/gpu.product", product)
        .addNewToleration()
        .withKey("nvidia.com/gpu")
        .withOperator("Exists")
        .withEffect("NoSchedule")
        .endToleration()
        .addNewContainer()
        .withName("app")
        .withImage("registry.spaceport.test/app:1.0")
        .withNewResources()
        .addToLimits("nvidia.com/gpu", new Quantity(Integer.toString(gpus)))
        .endResources()
        .endContainer()
        .endSpec()
        .build();
  }

  /** The GPUs the pods bound to a node hold (those not finished, being deleted or not). */
  public static long gpusInUse(KubernetesClient client, String node) {
    return client
        .pods()
        .inAnyNamespace()
        .withField("spec.nodeName", node)
        .list()
        .getItems()
        .stream()
        .filter(
            p ->
                !"Succeeded".equals(p.getStatus().getPhase())
                    && !"Failed".equals(p.getStatus().getPhase()))
        .flatMap(p -> p.getSpec().getContainers().stream())
        .map(c -> c.getResources().getLimits())
        .filter(l -> l != null && l.containsKey("nvidia.com/gpu"))
        .mapToLong(l -> l.get("nvidia.com/gpu").getNumericalAmount().longValue())
        .sum();
  }
}
