package dev.spaceport.operator;

import dev.spaceport.api.Space;
import dev.spaceport.api.SpaceStatus;
import dev.spaceport.rules.SpaceConditions;
import dev.spaceport.rules.Stage;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;

/**
 * Records Kubernetes Events on a Space (what {@code kubectl describe space} shows). Written by
 * hand: Fabric8 and JOSDK have no event recorder. A failed write is logged, never fatal.
 */
@ApplicationScoped
public class SpaceEvents {

  static final String COMPONENT = "spaceport-operator";

  @Inject KubernetesClient client;

  public void normal(Space space, String reason, String message) {
    record(space, "Normal", reason, message);
  }

  public void warning(Space space, String reason, String message) {
    record(space, "Warning", reason, message);
  }

  /**
   * Events for what changed between the Space's status and the next one: a completed wake, a new
   * stage, or a new reason within it (Starting -> InsufficientCapacity), a move to a fallback
   * flavor or back, a sleep that made room. Errors, waiting for hardware and fallbacks are
   * warnings.
   */
  public void transition(Space space, SpaceStatus next) {
    var wake = next.getLastWake();
    var previousWake = space.getStatus() == null ? null : space.getStatus().getLastWake();
    if (wake != null
        && wake.getSeconds() != null
        && (previousWake == null || previousWake.getSeconds() == null)) {
      normal(
          space,
          "Woke",
          String.format("Woke in %.1f s after a visitor's request", wake.getSeconds()));
    }
    hardwareMoves(space, next);
    String before =
        space.getStatus() == null
            ? null
            : space.getStatus().getStage() + "/" + SpaceConditions.readyReason(space.getStatus());
    String after = next.getStage() + "/" + SpaceConditions.readyReason(next);
    if (after.equals(before)) {
      return;
    }
    Stage stage = Stage.valueOf(next.getStage());
    if (stage.isError()
        || SpaceConditions.INSUFFICIENT_CAPACITY.equals(SpaceConditions.readyReason(next))) {
      warning(space, stage.reason(), next.getMessage());
    } else {
      normal(space, stage.reason(), next.getMessage());
    }
  }

  /**
   * A move to a fallback flavor or back (the HardwareFallback condition turns), and a sleep that
   * made room for another Space (yieldedTo appears).
   */
  private void hardwareMoves(Space space, SpaceStatus next) {
    SpaceStatus previous = space.getStatus();
    String wasOnFallback =
        SpaceConditions.find(previous, SpaceConditions.HARDWARE_FALLBACK)
            .map(Condition::getStatus)
            .orElse(null);
    var fallback = SpaceConditions.find(next, SpaceConditions.HARDWARE_FALLBACK);
    if (fallback.isPresent() && wasOnFallback != null) {
      if ("True".equals(fallback.get().getStatus()) && !"True".equals(wasOnFallback)) {
        warning(space, SpaceConditions.HARDWARE_FALLBACK, fallback.get().getMessage());
      } else if ("False".equals(fallback.get().getStatus())
          && "True".equals(wasOnFallback)
          && !Stage.SLEEPING.name().equals(next.getStage())) {
        normal(
            space,
            "HardwareReturn",
            "Moving back to "
                + next.getHardware().getRequested()
                + ", which has room again; the fallback pod serves until the new one is Ready");
      }
    }
    if (next.getYieldedTo() != null
        && (previous == null || !next.getYieldedTo().equals(previous.getYieldedTo()))) {
      normal(
          space,
          SpaceConditions.YIELDED_GPU,
          "Put to sleep to make room: "
              + next.getYieldedTo()
              + " waits for the GPU this idle Space holds");
    }
  }

  private void record(Space space, String type, String reason, String message) {
    String now = Instant.now().toString();
    var event =
        new EventBuilder()
            .withNewMetadata()
            .withGenerateName(space.getMetadata().getName() + ".")
            .withNamespace(space.getMetadata().getNamespace())
            .endMetadata()
            .withInvolvedObject(
                new ObjectReferenceBuilder()
                    .withApiVersion(space.getApiVersion())
                    .withKind(space.getKind())
                    .withNamespace(space.getMetadata().getNamespace())
                    .withName(space.getMetadata().getName())
                    .withUid(space.getMetadata().getUid())
                    .build())
            .withType(type)
            .withReason(reason)
            .withMessage(message)
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withCount(1)
            .withNewSource()
            .withComponent(COMPONENT)
            .endSource()
            .withReportingComponent(COMPONENT)
            .build();
    try {
      client.v1().events().inNamespace(space.getMetadata().getNamespace()).resource(event).create();
    } catch (KubernetesClientException e) {
      Log.warnf(
          "could not record event %s on %s/%s: %s",
          reason,
          space.getMetadata().getNamespace(),
          space.getMetadata().getName(),
          e.getMessage());
    }
  }
}
