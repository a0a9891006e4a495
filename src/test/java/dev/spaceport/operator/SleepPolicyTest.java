package dev.spaceport.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spaceport.api.Space;
import dev.spaceport.api.SpaceStatus;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SleepPolicyTest {

    private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
    private static final Optional<Duration> ONE_HOUR = Optional.of(Duration.ofHours(1));

    private static Space running(Instant readySince, Instant lastActivity) {
        Space space = TestSpaces.gradio("team", "demo", null);
        SpaceStatus status = new SpaceStatus();
        status.setStage("RUNNING");
        status.setConditions(List.of(new ConditionBuilder().withType("Ready").withStatus("True")
                .withLastTransitionTime(readySince.toString()).build()));
        status.setLastActivityTime(lastActivity == null ? null : lastActivity.toString());
        space.setStatus(status);
        return space;
    }

    @Test
    void runningSpaceWithoutVisitorsSleepsSleepTimeAfterItBecameReady() {
        Space space = running(NOW.minus(Duration.ofMinutes(59)), null);
        assertThat(SleepPolicy.decide(space, ONE_HOUR, NOW).sleepAfter()).contains(Duration.ofMinutes(1));

        SleepPolicy.Decision later = SleepPolicy.decide(space, ONE_HOUR, NOW.plus(Duration.ofMinutes(1)));
        assertThat(later.asleep()).isTrue();
        assertThat(later.sleepingSince()).isEqualTo(NOW.plus(Duration.ofMinutes(1)).toString());
    }

    @Test
    void aVisitMovesTheDeadline() {
        Space space = running(NOW.minus(Duration.ofHours(5)), NOW.minus(Duration.ofMinutes(10)));
        SleepPolicy.Decision decision = SleepPolicy.decide(space, ONE_HOUR, NOW);
        assertThat(decision.asleep()).isFalse();
        assertThat(decision.sleepAfter()).contains(Duration.ofMinutes(50));
    }

    @Test
    void neverMeansNever() {
        Space space = running(NOW.minus(Duration.ofDays(30)), null);
        SleepPolicy.Decision decision = SleepPolicy.decide(space, Optional.empty(), NOW);
        assertThat(decision.asleep()).isFalse();
        assertThat(decision.sleepAfter()).isEmpty();
    }

    @Test
    void startingOrPausedSpacesDoNotFallAsleep() {
        Space starting = running(NOW.minus(Duration.ofHours(5)), null);
        starting.getStatus().setStage("APP_STARTING");
        assertThat(SleepPolicy.decide(starting, ONE_HOUR, NOW).asleep()).isFalse();

        Space paused = running(NOW.minus(Duration.ofHours(5)), null);
        paused.getSpec().setPaused(true);
        assertThat(SleepPolicy.decide(paused, ONE_HOUR, NOW).asleep()).isFalse();
    }

    @Test
    void sleepingSpaceStaysAsleepUntilAWakeRequestComesAfterItFellAsleep() {
        Space space = running(NOW.minus(Duration.ofHours(5)), null);
        space.getStatus().setStage("SLEEPING");
        space.getStatus().setSleepingSince(NOW.minus(Duration.ofMinutes(30)).toString());
        space.getStatus().setWakeRequestedAt(NOW.minus(Duration.ofHours(2)).toString());
        assertThat(SleepPolicy.decide(space, ONE_HOUR, NOW).asleep()).isTrue();

        space.getStatus().setWakeRequestedAt(NOW.toString());
        SleepPolicy.Decision woke = SleepPolicy.decide(space, ONE_HOUR, NOW);
        assertThat(woke.asleep()).isFalse();
        assertThat(woke.wokeNow()).isTrue();
        assertThat(woke.sleepingSince()).isNull();
    }
}
