package dev.spaceport.operator;

import dev.spaceport.api.Space;
import dev.spaceport.api.SpaceStatus;
import dev.spaceport.rules.SpaceDefaults;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * When a Space sleeps and wakes (docs/architecture.md, the life of a Space). Pure: the clock is an
 * input. A serving Space sleeps once {@code sleepTime} has passed since its last visitor (or since
 * its pod became Ready, if none came); a sleeping Space wakes when the gateway asks after it fell
 * asleep.
 */
public final class SleepPolicy {

  /**
   * @param asleep whether the Space should have no pod now
   * @param sleepingSince status.sleepingSince to write (null when awake)
   * @param wokeNow this decision wakes the Space (a wake request came after it fell asleep)
   * @param sleepAfter how long until it falls asleep if no visitor comes (empty: not scheduled)
   * @param yieldedTo while it sleeps to make room: the Space it yielded its GPU to (null otherwise)
   */
  public record Decision(
      boolean asleep,
      String sleepingSince,
      boolean wokeNow,
      Optional<Duration> sleepAfter,
      String yieldedTo) {

    public Decision(
        boolean asleep, String sleepingSince, boolean wokeNow, Optional<Duration> sleepAfter) {
      this(asleep, sleepingSince, wokeNow, sleepAfter, null);
    }
  }

  private SleepPolicy() {}

  /**
   * @param servingSince when the Space's serving pod became Ready, or null when none serves
   * @param recordedAsleep the sleep recorded on the Space's Deployment (null if none), which may be
   *     newer than the Space's status as read
   */
  public static Decision decide(
      Space space,
      Optional<Duration> sleepTime,
      Instant servingSince,
      String recordedAsleep,
      Instant now) {
    return decide(space, sleepTime, servingSince, recordedAsleep, null, now);
  }

  /**
   * @param yieldTo the waiting Space this one makes room for now (making room decided it may); null
   *     when it does not
   */
  public static Decision decide(
      Space space,
      Optional<Duration> sleepTime,
      Instant servingSince,
      String recordedAsleep,
      String yieldTo,
      Instant now) {
    SpaceStatus status = Optional.ofNullable(space.getStatus()).orElseGet(SpaceStatus::new);
    String asleepSince =
        Stream.of(status.getSleepingSince(), recordedAsleep)
            .filter(t -> t != null)
            .max(Comparator.comparing(Instant::parse))
            .orElse(null);
    Instant sleepingSince = instant(asleepSince);
    Instant wakeRequestedAt = instant(status.getWakeRequestedAt());
    if (sleepingSince != null) {
      if (wakeRequestedAt != null && wakeRequestedAt.isAfter(sleepingSince)) {
        return new Decision(false, null, true, Optional.empty());
      }
      return new Decision(true, asleepSince, false, Optional.empty(), status.getYieldedTo());
    }
    if (yieldTo != null && servingSince != null && !SpaceDefaults.paused(space)) {
      return new Decision(true, now.toString(), false, Optional.empty(), yieldTo);
    }
    if (sleepTime.isEmpty() || servingSince == null || SpaceDefaults.paused(space)) {
      return new Decision(false, null, false, Optional.empty());
    }
    Instant idleSince =
        Stream.of(instant(status.getLastActivityTime()), wakeRequestedAt, servingSince)
            .filter(t -> t != null)
            .max(Instant::compareTo)
            .orElse(now);
    Instant sleepAt = idleSince.plus(sleepTime.get());
    if (!now.isBefore(sleepAt)) {
      return new Decision(true, now.toString(), false, Optional.empty());
    }
    return new Decision(false, null, false, Optional.of(Duration.between(now, sleepAt)));
  }

  static Instant instant(String value) {
    return value == null ? null : Instant.parse(value);
  }
}
