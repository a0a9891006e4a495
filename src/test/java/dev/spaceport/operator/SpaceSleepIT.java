package dev.spaceport.operator;

import static dev.spaceport.testing.SpaceWaits.WAIT;
import static dev.spaceport.testing.SpaceWaits.awaitStage;
import static dev.spaceport.testing.SpaceWaits.space;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spaceport.api.Space;
import dev.spaceport.api.SpaceStatus;
import dev.spaceport.testing.ClusterExtension;
import dev.spaceport.testing.LocalClusterResource;
import dev.spaceport.testing.SpaceWaits;
import dev.spaceport.testing.TestNamespace;
import dev.spaceport.testing.TestPods;
import dev.spaceport.testing.TestSpaces;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Sleep and wake (docs/architecture.md, the life of a Space) on the operator's side: an idle Space
 * sleeps and frees its GPU; a wake request (written here as the gateway writes it, under its own
 * field manager) wakes it.
 */
@QuarkusTest
@QuarkusTestResource(LocalClusterResource.class)
@ExtendWith(ClusterExtension.class)
class SpaceSleepIT {

  @Test
  void idleSpaceSleepsReleasingItsPodAndGpuAndAWakeRequestBringsItBack(
      KubernetesClient client, TestNamespace ns) {
    Space space = TestSpaces.gradio(ns.name(), "dozer", "t4-small");
    space.getSpec().setSleepTime("5s");
    client.resource(space).create();
    awaitStage(client, ns, "dozer", "RUNNING");
    String node = TestPods.live(client, ns).get(0).getSpec().getNodeName();

    Space asleep = awaitStage(client, ns, "dozer", "SLEEPING");
    assertThat(asleep.getStatus().getSleepingSince()).isNotNull();
    assertThat(SpaceWaits.condition(asleep, "Sleeping").getStatus()).isEqualTo("True");
    await().atMost(WAIT).until(() -> TestPods.live(client, ns).isEmpty());
    assertThat(
            client
                .apps()
                .deployments()
                .inNamespace(ns.name())
                .withName("dozer")
                .get()
                .getSpec()
                .getReplicas())
        .isZero();
    assertThat(TestPods.gpusInUse(client, node)).isZero();

    Instant requested = Instant.now();
    requestWake(client, ns, "dozer", requested);

    Space awake = awaitStage(client, ns, "dozer", "RUNNING");
    assertThat(awake.getStatus().getSleepingSince()).isNull();
    Space woken =
        await()
            .atMost(WAIT)
            .until(
                () -> space(client, ns, "dozer"),
                s ->
                    s.getStatus().getLastWake() != null
                        && s.getStatus().getLastWake().getSeconds() != null);
    assertThat(woken.getStatus().getLastWake().getRequestedAt()).isEqualTo(requested.toString());
    assertThat(woken.getStatus().getLastWake().getSeconds()).isBetween(0.0, 30.0);
    assertThat(client.v1().events().inNamespace(ns.name()).list().getItems())
        .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("Woke"));
  }

  @Test
  void wakeRequestDoesNotWakeAPausedSpace(KubernetesClient client, TestNamespace ns) {
    Space space = TestSpaces.gradio(ns.name(), "held", "cpu-basic");
    space.getSpec().setPaused(true);
    client.resource(space).create();
    awaitStage(client, ns, "held", "PAUSED");

    requestWake(client, ns, "held", Instant.now());

    await()
        .during(Duration.ofSeconds(4))
        .atMost(Duration.ofSeconds(6))
        .until(
            () ->
                TestPods.live(client, ns).isEmpty()
                    && "PAUSED".equals(space(client, ns, "held").getStatus().getStage()));
  }

  /**
   * What the gateway does when a visitor comes: its own field manager owns status.wakeRequestedAt.
   */
  private static void requestWake(
      KubernetesClient client, TestNamespace ns, String name, Instant at) {
    Space patch = new Space();
    patch.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns.name()).build());
    SpaceStatus status = new SpaceStatus();
    status.setConditions(null);
    status.setWakeRequestedAt(at.toString());
    patch.setStatus(status);
    client
        .resource(patch)
        .subresource("status")
        .patch(
            new PatchContext.Builder()
                .withPatchType(PatchType.SERVER_SIDE_APPLY)
                .withFieldManager("spaceport-gateway")
                .withForce(true)
                .build(),
            patch);
  }
}
