package dev.spaceport.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spaceport.api.SpaceStatus;
import dev.spaceport.api.YieldRequest;
import dev.spaceport.testing.TestSpaces;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoomMakingTest {

  private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
  private static final Duration MIN_IDLE = Duration.ofMinutes(15);
  private static final Duration WINDOW = Duration.ofSeconds(30);

  private static RoomMaking.Holder holder(
      String name, int priority, boolean optedOut, boolean idle, Duration visited, boolean frees) {
    return new RoomMaking.Holder(
        TestSpaces.gradio("ns", name, "a100-large"),
        priority,
        optedOut,
        idle,
        NOW.minus(visited),
        frees);
  }

  @Test
  void theLeastRecentlyVisitedIdleSpaceYields() {
    var chosen =
        RoomMaking.choose(
            List.of(
                holder("recent", 0, false, true, Duration.ofMinutes(20), true),
                holder("oldest", 0, false, true, Duration.ofHours(3), true),
                holder("older", 0, false, true, Duration.ofHours(1), true)),
            0);
    assertThat(chosen).map(h -> h.space().getMetadata().getName()).contains("oldest");
  }

  @Test
  void neverOneThatOptedOutIsBusyOrHasAHigherPriority() {
    var chosen =
        RoomMaking.choose(
            List.of(
                holder("opted-out", 0, true, true, Duration.ofHours(9), true),
                holder("busy", 0, false, false, Duration.ofHours(8), true),
                holder("important", 1000, false, true, Duration.ofHours(7), true)),
            0);
    assertThat(chosen).isEmpty();
    assertThat(
            RoomMaking.choose(
                List.of(holder("important", 1000, false, true, Duration.ofHours(7), true)), 1000))
        .as("same priority may yield")
        .isPresent();
  }

  @Test
  void oneWhoseSleepMakesEnoughRoomComesFirst() {
    var chosen =
        RoomMaking.choose(
            List.of(
                holder("oldest-but-too-small", 0, false, true, Duration.ofHours(5), false),
                holder("enough", 0, false, true, Duration.ofHours(1), true)),
            0);
    assertThat(chosen).map(h -> h.space().getMetadata().getName()).contains("enough");
  }

  @Test
  void idleMeansNoRecentVisitAndNoOpenConnection() {
    Instant servingSince = NOW.minus(Duration.ofHours(2));
    SpaceStatus status = new SpaceStatus();
    status.setLastActivityTime(NOW.minus(Duration.ofMinutes(20)).toString());
    assertThat(RoomMaking.idleEnough(status, servingSince, NOW, MIN_IDLE, WINDOW)).isTrue();

    status.setVisitorConnectedAt(NOW.minusSeconds(10).toString());
    assertThat(RoomMaking.idleEnough(status, servingSince, NOW, MIN_IDLE, WINDOW))
        .as("a WebSocket open without traffic")
        .isFalse();

    status.setVisitorConnectedAt(null);
    status.setLastActivityTime(NOW.minus(Duration.ofMinutes(5)).toString());
    assertThat(RoomMaking.idleEnough(status, servingSince, NOW, MIN_IDLE, WINDOW)).isFalse();
    assertThat(RoomMaking.idleEnough(status, NOW.minusSeconds(60), NOW, Duration.ZERO, WINDOW))
        .isTrue();
  }

  @Test
  void aRequestIsPendingWhileFreshAndNewerThanTheServingPod() {
    Instant servingSince = NOW.minus(Duration.ofHours(1));
    SpaceStatus status = new SpaceStatus();
    status.setYieldRequest(new YieldRequest(NOW.minusSeconds(5).toString(), "ns/waiting"));
    assertThat(RoomMaking.pending(status, servingSince, NOW)).isTrue();
    assertThat(RoomMaking.pending(status, NOW.minusSeconds(1), NOW))
        .as("woken after the request")
        .isFalse();
    assertThat(RoomMaking.pending(status, servingSince, NOW.plus(Duration.ofMinutes(3))))
        .as("stale")
        .isFalse();
  }

  @Test
  void theQueueGoesByPriorityThenByWaitingTime() {
    var waiters =
        List.of(
            new RoomMaking.Waiter("ns", "late", 0, NOW.minusSeconds(10)),
            new RoomMaking.Waiter("ns", "early", 0, NOW.minusSeconds(100)),
            new RoomMaking.Waiter("ns", "urgent", 100, NOW.minusSeconds(1)));
    assertThat(RoomMaking.position(waiters, "ns", "urgent")).isEqualTo(1);
    assertThat(RoomMaking.position(waiters, "ns", "early")).isEqualTo(2);
    assertThat(RoomMaking.position(waiters, "ns", "late")).isEqualTo(3);
  }
}
