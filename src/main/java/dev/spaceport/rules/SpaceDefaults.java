package dev.spaceport.rules;

import dev.spaceport.api.HardwareFlavor;
import dev.spaceport.api.Space;
import dev.spaceport.api.SpaceSpec;
import java.time.Duration;
import java.util.Optional;

/**
 * A Space's settings once defaults apply: what the operator builds the pod with and what the
 * gateway holds wakes for, decided here only so the two never disagree.
 */
public final class SpaceDefaults {

  /** The Hub's startup_duration_timeout. */
  public static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(30);

  private SpaceDefaults() {}

  /** spec.appPort, else the sdk's port (gradio and docker 7860, streamlit 8501, static 8080). */
  public static int appPort(SpaceSpec spec) {
    return spec.getAppPort() != null ? spec.getAppPort() : spec.getSdk().defaultPort();
  }

  /** spec.startupTimeout, 30m by default. */
  public static Duration startupTimeout(SpaceSpec spec) {
    return spec.getStartupTimeout() == null
        ? STARTUP_TIMEOUT
        : Durations.parse(spec.getStartupTimeout()).orElse(STARTUP_TIMEOUT);
  }

  /** spec.sleepTime, else the flavor's defaultSleepTime, else never (empty). */
  public static Optional<Duration> sleepTime(Space space, HardwareFlavor flavor) {
    String value =
        space.getSpec().getSleepTime() != null
            ? space.getSpec().getSleepTime()
            : flavor.getSpec().getDefaultSleepTime() != null
                ? flavor.getSpec().getDefaultSleepTime()
                : "never";
    return Durations.parse(value);
  }

  /** Paused by its owner: no pod, and visitors do not wake it. */
  public static boolean paused(Space space) {
    return Boolean.TRUE.equals(space.getSpec().getPaused());
  }
}
