package dev.spaceport.cluster;

import static dev.spaceport.testing.SpaceWaits.WAIT;
import static org.awaitility.Awaitility.await;

import dev.spaceport.testing.TestCluster;
import dev.spaceport.testing.TestPods;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Namespace lifecycle and garbage collection run: deleting a namespace full of objects completes.
 */
class NamespaceDeletionIT {

  @Test
  void deletingANamespaceWithRunningObjectsCompletes() {
    KubernetesClient client = TestCluster.get().client();
    String ns = "namespace-deletion-it-" + Long.toString(System.nanoTime() % 1_000_000, 36);
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .create();
    await()
        .atMost(WAIT)
        .until(() -> client.serviceAccounts().inNamespace(ns).withName("default").get() != null);
    client
        .configMaps()
        .inNamespace(ns)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("config")
                .endMetadata()
                .withData(Map.of("k", "v"))
                .build())
        .create();
    client
        .secrets()
        .inNamespace(ns)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("secret")
                .endMetadata()
                .withData(Map.of("token", "c2VjcmV0"))
                .build())
        .create();
    client
        .services()
        .inNamespace(ns)
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName("app")
                .endMetadata()
                .withNewSpec()
                .addNewPort()
                .withPort(7860)
                .endPort()
                .endSpec()
                .build())
        .create();
    client
        .apps()
        .deployments()
        .inNamespace(ns)
        .resource(
            new DeploymentBuilder()
                .withNewMetadata()
                .withName("app")
                .endMetadata()
                .withNewSpec()
                .withReplicas(1)
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
                .build())
        .create();
    await()
        .atMost(WAIT)
        .until(
            () ->
                client.pods().inNamespace(ns).list().getItems().stream()
                    .anyMatch(TestPods::isReady));

    client.namespaces().withName(ns).delete();

    await().atMost(WAIT).until(() -> client.namespaces().withName(ns).get() == null);
  }
}
