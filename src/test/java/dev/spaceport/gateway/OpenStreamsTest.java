package dev.spaceport.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spaceport.gateway.SpaceDirectory.SpaceKey;
import org.junit.jupiter.api.Test;

class OpenStreamsTest {

  private static final SpaceKey CHAT = new SpaceKey("team", "chat");
  private static final SpaceKey DEMO = new SpaceKey("team", "demo");

  private final OpenStreams streams = new OpenStreams(60_000);

  @Test
  void anOpenStreamKeepsItsSpaceActiveUntilItCloses() {
    OpenStreams.Stream socket = streams.open(CHAT, 0);
    assertThat(streams.active(59_999)).containsExactly(CHAT);
    assertThat(streams.close(socket)).isTrue();
    assertThat(streams.active(1_000)).isEmpty();
    assertThat(streams.count(CHAT)).isZero();
  }

  @Test
  void aStreamStopsCountingAfterTheIdleLimitUnlessItCarriesTraffic() {
    OpenStreams.Stream quiet = streams.open(CHAT, 0);
    OpenStreams.Stream busy = streams.open(DEMO, 0);
    busy.touch(50_000);
    assertThat(streams.active(60_000)).containsExactly(DEMO);
    assertThat(streams.active(110_000)).isEmpty();
    quiet.touch(110_000);
    assertThat(streams.active(110_001)).containsExactly(CHAT);
  }

  @Test
  void closingTwiceCountsOnceAndOtherStreamsOfTheSpaceStayOpen() {
    OpenStreams.Stream first = streams.open(CHAT, 0);
    OpenStreams.Stream second = streams.open(CHAT, 0);
    assertThat(streams.count(CHAT)).isEqualTo(2);
    assertThat(streams.close(first)).isTrue();
    assertThat(streams.close(first)).isFalse();
    assertThat(streams.count(CHAT)).isEqualTo(1);
    assertThat(streams.active(1)).containsExactly(CHAT);
    assertThat(streams.close(second)).isTrue();
    assertThat(streams.active(1)).isEmpty();
  }

  @Test
  void aStreamOpenLongerThanAFlushIsAConnectionEvenWhenSilent() {
    OpenStreams.Stream socket = streams.open(CHAT, 0);
    streams.open(DEMO, 9_000);
    assertThat(streams.connected(10_000, 10_000)).containsExactly(CHAT);
    assertThat(streams.connected(500_000, 10_000))
        .as("past the idle limit: no longer active, still connected")
        .containsExactlyInAnyOrder(CHAT, DEMO);
    assertThat(streams.active(500_000)).isEmpty();
    streams.close(socket);
    assertThat(streams.connected(500_000, 10_000)).containsExactly(DEMO);
  }
}
