package dev.spaceport.rules;

import dev.spaceport.api.SpaceStatus;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.Optional;

/** The condition types of a Space's status, and how to read them back. */
public final class SpaceConditions {

  /** The summary, kstatus-compatible. */
  public static final String READY = "Ready";

  public static final String SCHEDULED = "Scheduled";
  public static final String AVAILABLE = "Available";
  public static final String SLEEPING = "Sleeping";

  /** kstatus's conditions (Flux's `wait`, kpt, cli-utils), which read these two and not Ready. */
  public static final String RECONCILING = "Reconciling";

  public static final String STALLED = "Stalled";

  /**
   * True while the Space runs on (or moves to) a fallback flavor because its requested one could
   * not be scheduled.
   */
  public static final String HARDWARE_FALLBACK = "HardwareFallback";

  /** Reason of Sleeping when the Space was put to sleep to make room for another. */
  public static final String YIELDED_GPU = "YieldedGpu";

  /** Reason of Ready and Scheduled while the scheduler finds no node with room. */
  public static final String INSUFFICIENT_CAPACITY = "InsufficientCapacity";

  private SpaceConditions() {}

  public static Optional<Condition> find(SpaceStatus status, String type) {
    if (status == null || status.getConditions() == null) {
      return Optional.empty();
    }
    return status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  /** The Ready condition's reason, or null. */
  public static String readyReason(SpaceStatus status) {
    return find(status, READY).map(Condition::getReason).orElse(null);
  }
}
