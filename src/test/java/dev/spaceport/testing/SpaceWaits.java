package dev.spaceport.testing;

import static org.awaitility.Awaitility.await;

import dev.spaceport.api.Space;
import dev.spaceport.rules.SpaceLabels;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * Reading, editing and waiting for a Space, as every cluster test of the operator and the gateway
 * does.
 */
public final class SpaceWaits {

  /** How long any cluster test waits for the world to change. */
  public static final Duration WAIT = Duration.ofSeconds(90);

  private SpaceWaits() {}

  public static Space space(KubernetesClient client, TestNamespace ns, String name) {
    return client.resources(Space.class).inNamespace(ns.name()).withName(name).get();
  }

  public static Space awaitStage(
      KubernetesClient client, TestNamespace ns, String name, String stage) {
    return await("stage " + stage + " of " + name)
        .atMost(WAIT)
        .until(
            () -> space(client, ns, name),
            s -> s != null && s.getStatus() != null && stage.equals(s.getStatus().getStage()));
  }

  /**
   * SLEEPING, and the Space's pod gone. The stage turns SLEEPING when the operator scales the Space
   * to zero; its pod goes a moment later and serves (or, here, refuses) requests until then.
   */
  public static Space awaitAsleep(KubernetesClient client, TestNamespace ns, String name) {
    Space asleep = awaitStage(client, ns, name, "SLEEPING");
    await("the pod of sleeping " + name + " is gone")
        .atMost(WAIT)
        .until(
            () ->
                client
                    .pods()
                    .inNamespace(ns.name())
                    .withLabel(SpaceLabels.SPACE, name)
                    .list()
                    .getItems()
                    .isEmpty());
    return asleep;
  }

  /**
   * Edits a Space's spec or metadata. The edit is optimistic (it sends the resourceVersion it
   * read), so it is retried when a status write of the operator or the gateway came first (409
   * Conflict).
   */
  public static void editSpace(
      KubernetesClient client, TestNamespace ns, String name, UnaryOperator<Space> change) {
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptionsInstanceOf(KubernetesClientException.class)
        .until(
            () -> {
              client.resources(Space.class).inNamespace(ns.name()).withName(name).edit(change);
              return true;
            });
  }

  /** Condition type → status. */
  public static Map<String, String> conditions(Space space) {
    return space.getStatus().getConditions().stream()
        .collect(Collectors.toMap(Condition::getType, Condition::getStatus));
  }

  public static Condition condition(Space space, String type) {
    return space.getStatus().getConditions().stream()
        .filter(c -> c.getType().equals(type))
        .findFirst()
        .orElseThrow();
  }

  /** The condition's reason, or null while the Space has no status or no such condition. */
  public static String reason(Space space, String type) {
    return Optional.ofNullable(space.getStatus())
        .flatMap(s -> s.getConditions().stream().filter(c -> c.getType().equals(type)).findFirst())
        .map(Condition::getReason)
        .orElse(null);
  }
}
