package dev.spaceport.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spaceport.api.FallbackReturn;
import dev.spaceport.api.HardwareFlavor;
import dev.spaceport.testing.TestFlavors;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HardwareChoiceTest {

  private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
  private static final Duration AFTER = Duration.ofMinutes(2);
  private static final HardwareFlavor A100 = TestFlavors.named("a100-large", false);
  private static final HardwareFlavor A10G = TestFlavors.named("a10g-large", false);
  private static final HardwareFlavor T4 = TestFlavors.named("t4-medium", false);
  private static final List<HardwareFlavor> CHAIN = List.of(A100, A10G, T4);

  private static Optional<HardwareChoice.Waiting> waitingFor(Duration waited) {
    return Optional.of(
        new HardwareChoice.Waiting(NOW.minus(waited), "0/8 nodes are available: 1 Insufficient"));
  }

  private static HardwareChoice.Choice choose(
      FallbackReturn policy,
      String deployed,
      boolean asleep,
      Optional<HardwareChoice.Waiting> waiting,
      Set<HardwareFlavor> withRoom) {
    return HardwareChoice.choose(
        CHAIN,
        policy,
        deployed,
        deployed == null || deployed.equals("a100-large") ? null : "a100-large could not",
        asleep,
        waiting,
        withRoom::contains,
        AFTER,
        NOW);
  }

  @Test
  void aPendingPodWaitsForTheFallbackTimeThenMovesToTheFirstFallbackWithRoom() {
    var early =
        choose(
            FallbackReturn.IMMEDIATELY,
            "a100-large",
            false,
            waitingFor(Duration.ofSeconds(30)),
            Set.of(A10G, T4));
    assertThat(early.flavor()).isEqualTo(A100);
    assertThat(early.onFallback()).isFalse();
    assertThat(early.recheckAfter()).contains(Duration.ofSeconds(90));

    var late =
        choose(FallbackReturn.IMMEDIATELY, "a100-large", false, waitingFor(AFTER), Set.of(T4));
    assertThat(late.flavor()).as("a10g has no room either: the next one").isEqualTo(T4);
    assertThat(late.fallbackReason())
        .isEqualTo(
            "a100-large could not be scheduled for 2m (0/8 nodes are available: 1 Insufficient)");
  }

  @Test
  void withNoFallbackWithRoomTheSpaceKeepsWaitingForItsFlavor() {
    var choice =
        choose(
            FallbackReturn.IMMEDIATELY,
            "a100-large",
            false,
            waitingFor(Duration.ofMinutes(10)),
            Set.of());
    assertThat(choice.flavor()).isEqualTo(A100);
    assertThat(choice.onFallback()).isFalse();
  }

  @Test
  void immediatelyMovesBackAsSoonAsTheRequestedFlavorHasRoom() {
    var stay =
        choose(FallbackReturn.IMMEDIATELY, "a10g-large", false, Optional.empty(), Set.of(T4));
    assertThat(stay.flavor()).isEqualTo(A10G);
    assertThat(stay.fallbackReason()).isEqualTo("a100-large could not");

    var back =
        choose(
            FallbackReturn.IMMEDIATELY, "t4-medium", false, Optional.empty(), Set.of(A100, A10G));
    assertThat(back.flavor()).isEqualTo(A100);
    assertThat(back.onFallback()).isFalse();

    var closer =
        choose(FallbackReturn.IMMEDIATELY, "t4-medium", false, Optional.empty(), Set.of(A10G));
    assertThat(closer.flavor()).as("a better fallback has room").isEqualTo(A10G);
    assertThat(closer.onFallback()).isTrue();
  }

  @Test
  void nextSleepStaysOnTheFallbackWhileAwakeAndWakesOnTheRequestedFlavor() {
    var awake =
        choose(FallbackReturn.NEXT_SLEEP, "a10g-large", false, Optional.empty(), Set.of(A100));
    assertThat(awake.flavor()).isEqualTo(A10G);
    var asleep = choose(FallbackReturn.NEXT_SLEEP, "a10g-large", true, Optional.empty(), Set.of());
    assertThat(asleep.flavor()).isEqualTo(A100);
    assertThat(asleep.onFallback()).isFalse();
  }

  @Test
  void neverStaysOnTheFallbackAsleepOrAwake() {
    assertThat(
            choose(FallbackReturn.NEVER, "a10g-large", false, Optional.empty(), Set.of(A100))
                .flavor())
        .isEqualTo(A10G);
    assertThat(
            choose(FallbackReturn.NEVER, "a10g-large", true, Optional.empty(), Set.of(A100))
                .flavor())
        .isEqualTo(A10G);
  }

  @Test
  void aFlavorOutsideTheChainStartsOverOnTheRequestedOne() {
    var choice = choose(FallbackReturn.IMMEDIATELY, "h100", false, Optional.empty(), Set.of(A10G));
    assertThat(choice.flavor()).isEqualTo(A100);
    assertThat(choice.onFallback()).isFalse();
  }
}
