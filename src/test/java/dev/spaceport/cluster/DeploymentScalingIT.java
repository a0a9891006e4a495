package dev.spaceport.cluster;

import static dev.spaceport.testing.SpaceWaits.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spaceport.testing.ClusterExtension;
import dev.spaceport.testing.TestNamespace;
import dev.spaceport.testing.TestPods;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * controller-manager, scheduler and kwok together run a Deployment as sleep and wake will: 0 → 1 →
 * 0.
 */
@ExtendWith(ClusterExtension.class)
class DeploymentScalingIT {

  @Test
  void deploymentScaledZeroOneZeroCreatesAndRemovesItsPod(
      KubernetesClient client, TestNamespace ns) {
    Deployment deployment =
        new DeploymentBuilder()
            .withNewMetadata()
            .withName("app")
            .endMetadata()
            .withNewSpec()
            .withReplicas(0)
            .withNewSelector()
            .addToMatchLabels("app", "app")
            .endSelector()
            .withNewTemplate()
            .withNewMetadata()
            .addToLabels("app", "app")
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("app")
            .withImage(ClusterTestPods.IMAGE)
            .endContainer()
            .endSpec()
            .endTemplate()
            .endSpec()
            .build();
    var resource = client.apps().deployments().inNamespace(ns.name()).resource(deployment);
    resource.create();
    await()
        .atMost(WAIT)
        .until(
            () ->
                resource.get().getStatus() != null
                    && resource.get().getStatus().getObservedGeneration() != null);
    assertThat(pods(client, ns)).isEmpty();

    resource.scale(1);
    await()
        .atMost(WAIT)
        .until(() -> pods(client, ns).stream().filter(TestPods::isReady).count() == 1);
    await()
        .atMost(WAIT)
        .until(() -> Integer.valueOf(1).equals(resource.get().getStatus().getReadyReplicas()));

    resource.scale(0);
    await().atMost(WAIT).until(() -> pods(client, ns).isEmpty());
  }

  private static List<Pod> pods(KubernetesClient client, TestNamespace ns) {
    return client.pods().inNamespace(ns.name()).withLabel("app", "app").list().getItems();
  }
}
