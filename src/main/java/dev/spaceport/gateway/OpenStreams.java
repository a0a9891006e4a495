package dev.spaceport.gateway;

import dev.spaceport.gateway.SpaceDirectory.SpaceKey;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Visitors' streams open through the gateway, per Space: a request whose response has not ended (a
 * long download, an SSE stream such as Gradio's queue) and a WebSocket until it closes (Streamlit
 * keeps one per browser tab for the whole session). A stream keeps its Space awake while it carries
 * traffic within the idle limit, so an abandoned socket cannot hold a GPU forever.
 */
final class OpenStreams {

  /** One open stream; {@link #touch} on every chunk it carries. */
  static final class Stream {
    private final SpaceKey space;
    private final long openedAt;
    private volatile long lastTraffic;

    private Stream(SpaceKey space, long now) {
      this.space = space;
      this.openedAt = now;
      this.lastTraffic = now;
    }

    void touch(long now) {
      lastTraffic = now;
    }

    SpaceKey space() {
      return space;
    }
  }

  private final long idleLimitMillis;
  private final Map<SpaceKey, Set<Stream>> open = new ConcurrentHashMap<>();

  OpenStreams(long idleLimitMillis) {
    this.idleLimitMillis = idleLimitMillis;
  }

  Stream open(SpaceKey space, long now) {
    Stream stream = new Stream(space, now);
    open.compute(
        space,
        (k, streams) -> {
          Set<Stream> set = streams == null ? new HashSet<>() : streams;
          set.add(stream);
          return set;
        });
    return stream;
  }

  /** True the first time: a stream may both end and close. */
  boolean close(Stream stream) {
    boolean[] removed = {false};
    open.computeIfPresent(
        stream.space,
        (k, streams) -> {
          removed[0] = streams.remove(stream);
          return streams.isEmpty() ? null : streams;
        });
    return removed[0];
  }

  /** The Spaces with at least one open stream that carried traffic within the idle limit. */
  Set<SpaceKey> active(long now) {
    Set<SpaceKey> active = new HashSet<>();
    for (SpaceKey space : open.keySet()) {
      open.computeIfPresent(
          space,
          (k, streams) -> {
            if (streams.stream().anyMatch(s -> now - s.lastTraffic < idleLimitMillis)) {
              active.add(space);
            }
            return streams;
          });
    }
    return active;
  }

  /**
   * The Spaces with a visitor's stream open for at least {@code minAgeMillis}, whether or not it
   * carries traffic (making room never takes a GPU from under one). Shorter requests are visits,
   * which lastActivityTime records.
   */
  Set<SpaceKey> connected(long now, long minAgeMillis) {
    Set<SpaceKey> connected = new HashSet<>();
    for (SpaceKey space : open.keySet()) {
      open.computeIfPresent(
          space,
          (k, streams) -> {
            if (streams.stream().anyMatch(s -> now - s.openedAt >= minAgeMillis)) {
              connected.add(space);
            }
            return streams;
          });
    }
    return connected;
  }

  int count(SpaceKey space) {
    int[] count = {0};
    open.computeIfPresent(
        space,
        (k, streams) -> {
          count[0] = streams.size();
          return streams;
        });
    return count[0];
  }
}
