package dev.spaceport.rules;

import dev.spaceport.api.SpaceStatus;
import java.util.Optional;

/** The Hub's stage names (huggingface_hub SpaceStage), which status.stage carries. */
public enum Stage {
  CONFIG_ERROR("ConfigError", true),
  APP_STARTING("AppStarting", false),
  RUNNING("Running", false),
  RUNNING_APP_STARTING("RunningAppStarting", false),
  RUNTIME_ERROR("RuntimeError", true),
  PAUSED("Paused", false),
  SLEEPING("Sleeping", false);

  private final String reason;
  private final boolean error;

  Stage(String reason, boolean error) {
    this.reason = reason;
    this.error = error;
  }

  /** CamelCase, for event reasons. */
  public String reason() {
    return reason;
  }

  public boolean isError() {
    return error;
  }

  /**
   * Whether the Space is as its spec asks, serving or resting (asleep until a visitor comes, or
   * paused by its owner): its Ready condition is True, which is what kstatus (Flux's `wait`, kpt)
   * reads as Current.
   */
  public boolean isSettled() {
    return this == RUNNING || this == SLEEPING || this == PAUSED;
  }

  /** The stage a status reports; empty before the operator first wrote one. */
  public static Optional<Stage> of(SpaceStatus status) {
    return status == null || status.getStage() == null
        ? Optional.empty()
        : Optional.of(valueOf(status.getStage()));
  }
}
