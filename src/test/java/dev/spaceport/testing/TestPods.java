package dev.spaceport.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spaceport.rules.SpaceLabels;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
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
}
