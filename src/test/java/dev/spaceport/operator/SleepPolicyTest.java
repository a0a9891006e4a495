package dev.spaceport.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spaceport.api.Space;
import dev.spaceport.api.SpaceStatus;
import dev.spaceport.testing.TestSpaces;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SleepPolicyTest {

  private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
  private static final Optional<Duration> ONE_HOUR = Optional.of(Duration.ofHours(1));

  private static Space running(Instant lastActivity) {
    Space space = TestSpaces.gradio("team", "demo", null);
    SpaceStatus status = new SpaceStatus();
    status.setStage("RUNNING");
    status.setLastActivityTime(lastActivity == null ? null : lastActivity.toString());
    space.setStatus(status);
    return space;
  }

  @Test
  void runningSpaceWithoutVisitorsSleepsSleepTimeAfterItBecameReady() {
    Space space = running(null);
    Instant servingSince = NOW.minus(Duration.ofMinutes(59));
    assertThat(SleepPolicy.decide(space, ONE_HOUR, servingSince, null, NOW).sleepAfter())
        .contains(Duration.ofMinutes(1));

    SleepPolicy.Decision later =
        SleepPolicy.decide(space, ONE_HOUR, servingSince, null, NOW.plus(Duration.ofMinutes(1)));
    assertThat(later.asleep()).isTrue();
    assertThat(later.sleepingSince()).isEqualTo(NOW.plus(Duration.ofMinutes(1)).toString());
  }

  @Test
  void aVisitMovesTheDeadline() {
    Space space = running(NOW.minus(Duration.ofMinutes(10)));
    SleepPolicy.Decision decision =
        SleepPolicy.decide(space, ONE_HOUR, NOW.minus(Duration.ofHours(5)), null, NOW);
    assertThat(decision.asleep()).isFalse();
    assertThat(decision.sleepAfter()).contains(Duration.ofMinutes(50));
  }

  @Test
  void neverMeansNever() {
    Space space = running(null);
    SleepPolicy.Decision decision =
        SleepPolicy.decide(space, Optional.empty(), NOW.minus(Duration.ofDays(30)), null, NOW);
    assertThat(decision.asleep()).isFalse();
    assertThat(decision.sleepAfter()).isEmpty();
  }

  @Test
  void spacesWithoutAServingPodOrPausedDoNotFallAsleep() {
    Space starting = running(null);
    assertThat(SleepPolicy.decide(starting, ONE_HOUR, null, null, NOW).asleep()).isFalse();

    Space paused = running(null);
    paused.getSpec().setPaused(true);
    assertThat(
            SleepPolicy.decide(paused, ONE_HOUR, NOW.minus(Duration.ofHours(5)), null, NOW)
                .asleep())
        .isFalse();
  }

  @Test
  void sleepRecordedOnTheDeploymentHoldsWhenTheSpaceWasReadBeforeItsStatusSaidSo() {
    Space stale = running(null);
    SleepPolicy.Decision decision =
        SleepPolicy.decide(stale, ONE_HOUR, null, NOW.minusSeconds(2).toString(), NOW);
    assertThat(decision.asleep()).isTrue();
    assertThat(decision.sleepingSince()).isEqualTo(NOW.minusSeconds(2).toString());
  }

  @Test
  void sleepingSpaceStaysAsleepUntilAWakeRequestComesAfterItFellAsleep() {
    Space space = running(null);
    space.getStatus().setStage("SLEEPING");
    space.getStatus().setSleepingSince(NOW.minus(Duration.ofMinutes(30)).toString());
    space.getStatus().setWakeRequestedAt(NOW.minus(Duration.ofHours(2)).toString());
    assertThat(SleepPolicy.decide(space, ONE_HOUR, null, null, NOW).asleep()).isTrue();

    space.getStatus().setWakeRequestedAt(NOW.toString());
    SleepPolicy.Decision woke = SleepPolicy.decide(space, ONE_HOUR, null, null, NOW);
    assertThat(woke.asleep()).isFalse();
    assertThat(woke.wokeNow()).isTrue();
    assertThat(woke.sleepingSince()).isNull();
  }

  @Test
  void aSpaceMakingRoomSleepsNowWhateverItsSleepTimeAndSaysForWhomWhileAsleep() {
    Space space = running(NOW.minus(Duration.ofMinutes(20)));
    SleepPolicy.Decision yielded =
        SleepPolicy.decide(
            space, Optional.empty(), NOW.minus(Duration.ofHours(2)), null, "team/waiter", NOW);
    assertThat(yielded.asleep()).isTrue();
    assertThat(yielded.sleepingSince()).isEqualTo(NOW.toString());
    assertThat(yielded.yieldedTo()).isEqualTo("team/waiter");

    space.getStatus().setSleepingSince(NOW.toString());
    space.getStatus().setYieldedTo("team/waiter");
    SleepPolicy.Decision still =
        SleepPolicy.decide(space, Optional.empty(), null, null, NOW.plusSeconds(30));
    assertThat(still.asleep()).isTrue();
    assertThat(still.yieldedTo()).isEqualTo("team/waiter");

    space.getStatus().setWakeRequestedAt(NOW.plusSeconds(60).toString());
    SleepPolicy.Decision woken =
        SleepPolicy.decide(space, Optional.empty(), null, null, NOW.plusSeconds(61));
    assertThat(woken.asleep()).isFalse();
    assertThat(woken.yieldedTo()).isNull();
  }
}
