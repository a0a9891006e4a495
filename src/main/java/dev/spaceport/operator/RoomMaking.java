package dev.spaceport.operator;

import dev.spaceport.api.Space;
import dev.spaceport.api.SpaceStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Making room (docs/hardware-flavors.md): which idle Space sleeps so that a waiting one gets its
 * GPU, and the waiting Spaces' places in the queue. Pure: the cluster comes in as records.
 */
final class RoomMaking {

  /** Opts a Space, or every Space of a namespace, out of making room: {@code "false"}. */
  static final String YIELD_LABEL = "spaceport.dev/yield-gpu";

  /** A yield request not acted on within this long is stale (the waiting Space asks again). */
  static final Duration REQUEST_LIFETIME = Duration.ofMinutes(2);

  /**
   * A Space awake on a GPU the waiting Space could use.
   *
   * @param lastVisit its last visitor request, wake request, or since when it serves
   * @param freesEnough whether its pod's node then has room for the waiting pod
   */
  record Holder(
      Space space,
      int priority,
      boolean optedOut,
      boolean idleEnough,
      Instant lastVisit,
      boolean freesEnough) {}

  /** A Space whose pod waits for a GPU of the product, its priority, and since when. */
  record Waiter(String namespace, String name, int priority, Instant since) {}

  private RoomMaking() {}

  /**
   * Idle for at least {@code minIdle}, and no visitor connection open (the gateway refreshes
   * visitorConnectedAt while one is).
   */
  static boolean idleEnough(
      SpaceStatus status,
      Instant servingSince,
      Instant now,
      Duration minIdle,
      Duration connectionWindow) {
    if (status == null || servingSince == null) {
      return false;
    }
    Instant connected = SleepPolicy.instant(status.getVisitorConnectedAt());
    if (connected != null && connected.isAfter(now.minus(connectionWindow))) {
      return false;
    }
    return !lastVisit(status, servingSince).plus(minIdle).isAfter(now);
  }

  static Instant lastVisit(SpaceStatus status, Instant servingSince) {
    return Stream.of(
            SleepPolicy.instant(status.getLastActivityTime()),
            SleepPolicy.instant(status.getWakeRequestedAt()),
            SleepPolicy.instant(status.getVisitorConnectedAt()),
            servingSince)
        .filter(t -> t != null)
        .max(Instant::compareTo)
        .orElse(servingSince);
  }

  /**
   * The Space to put to sleep: never one that opted out, one of a higher priority than the waiting
   * Space, or one visited within the minimum idle time; among the rest, one whose sleep makes
   * enough room if any, then the least recently visited.
   */
  static Optional<Holder> choose(List<Holder> holders, int waiterPriority) {
    return holders.stream()
        .filter(h -> !h.optedOut() && h.idleEnough() && h.priority() <= waiterPriority)
        .min(Comparator.comparing((Holder h) -> !h.freesEnough()).thenComparing(Holder::lastVisit));
  }

  /** A waiting Space's place (1: next): higher priority first, then the longest waiting. */
  static int position(List<Waiter> waiters, String namespace, String name) {
    List<Waiter> queue =
        waiters.stream()
            .sorted(
                Comparator.comparing((Waiter w) -> -w.priority())
                    .thenComparing(Waiter::since)
                    .thenComparing(Waiter::namespace)
                    .thenComparing(Waiter::name))
            .toList();
    for (int i = 0; i < queue.size(); i++) {
      if (queue.get(i).namespace().equals(namespace) && queue.get(i).name().equals(name)) {
        return i + 1;
      }
    }
    return queue.size() + 1;
  }

  /** Whether a yield request is fresh and addressed to the Space as it is now (awake since). */
  static boolean pending(SpaceStatus status, Instant servingSince, Instant now) {
    if (status == null || status.getYieldRequest() == null || servingSince == null) {
      return false;
    }
    Instant at = SleepPolicy.instant(status.getYieldRequest().getAt());
    return at != null && at.isAfter(servingSince) && at.plus(REQUEST_LIFETIME).isAfter(now);
  }
}
