package dev.spaceport.operator;

import dev.spaceport.api.FallbackReturn;
import dev.spaceport.api.HardwareFlavor;
import dev.spaceport.rules.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Which flavor a Space runs on: the one it asks for, or a fallback while that cannot be scheduled
 * (docs/hardware-flavors.md). The choice lives on the Space's Deployment (its pod template's
 * hardware label, and why in an annotation), so it survives restarts of the operator. Pure.
 */
final class HardwareChoice {

  /**
   * @param flavor the flavor to run on
   * @param fallbackReason why it is not the requested one (null when it is)
   * @param recheckAfter when to look again: the moment the pending pod's wait reaches the fallback
   *     time
   */
  record Choice(HardwareFlavor flavor, String fallbackReason, Optional<Duration> recheckAfter) {
    boolean onFallback() {
      return fallbackReason != null;
    }
  }

  /**
   * @param chain the requested flavor, then the fallbacks in order (those that exist)
   * @param deployed the flavor the Deployment runs now (null when none) and why (null when it is
   *     the requested one)
   * @param unschedulableSince since when the Deployment's newest pod waits for the scheduler, and
   *     its message (empty while none waits)
   * @param hasRoom whether a flavor fits some node now
   */
  static Choice choose(
      List<HardwareFlavor> chain,
      FallbackReturn policy,
      String deployed,
      String deployedReason,
      boolean asleep,
      Optional<Waiting> unschedulableSince,
      Predicate<HardwareFlavor> hasRoom,
      Duration fallbackAfter,
      Instant now) {
    int at = indexOf(chain, deployed);
    if (at < 0 || (asleep && policy != FallbackReturn.NEVER)) {
      // A new choice, or a Space that sleeps: it wakes on the flavor it asks for.
      at = 0;
    }
    String reason = at == 0 ? null : deployedReason;
    if (unschedulableSince.isPresent()) {
      Waiting waiting = unschedulableSince.get();
      Duration waited = Duration.between(waiting.since(), now);
      if (waited.compareTo(fallbackAfter) < 0) {
        return new Choice(chain.get(at), reason, Optional.of(fallbackAfter.minus(waited)));
      }
      for (int next = at + 1; next < chain.size(); next++) {
        if (hasRoom.test(chain.get(next))) {
          String why =
              chain.get(at).getMetadata().getName()
                  + " could not be scheduled for "
                  + Durations.format(fallbackAfter)
                  + " ("
                  + waiting.message()
                  + ")";
          return new Choice(chain.get(next), why, Optional.empty());
        }
      }
      return new Choice(chain.get(at), reason, Optional.empty());
    }
    if (at > 0 && policy == FallbackReturn.IMMEDIATELY) {
      for (int earlier = 0; earlier < at; earlier++) {
        if (hasRoom.test(chain.get(earlier))) {
          return new Choice(chain.get(earlier), earlier == 0 ? null : reason, Optional.empty());
        }
      }
    }
    return new Choice(chain.get(at), reason, Optional.empty());
  }

  /** A pod the scheduler has not placed, since when, and the scheduler's message. */
  record Waiting(Instant since, String message) {}

  private static int indexOf(List<HardwareFlavor> chain, String name) {
    for (int i = 0; i < chain.size(); i++) {
      if (chain.get(i).getMetadata().getName().equals(name)) {
        return i;
      }
    }
    return -1;
  }
}
