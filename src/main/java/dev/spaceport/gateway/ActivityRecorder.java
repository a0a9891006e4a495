package dev.spaceport.gateway;

import dev.spaceport.gateway.SpaceDirectory.SpaceKey;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAccumulator;

/**
 * Remembers each Space's last counted request in memory and writes it to status.lastActivityTime at
 * most once per flush (the caller's timer), never moving it backwards.
 */
class ActivityRecorder {

  private final SpaceDirectory directory;
  private final SpaceStatusWriter writer;

  /**
   * Last request per Space, in epoch milliseconds. Every event loop records into it on every
   * request: a striped accumulator keeps them from contending, as a map merge on one busy Space's
   * key did.
   */
  private final Map<SpaceKey, LongAccumulator> lastRequest = new ConcurrentHashMap<>();

  private final Map<SpaceKey, Instant> written = new ConcurrentHashMap<>();

  ActivityRecorder(SpaceDirectory directory, SpaceStatusWriter writer) {
    this.directory = directory;
    this.writer = writer;
  }

  void record(SpaceKey key, long epochMillis) {
    LongAccumulator last = lastRequest.get(key);
    if (last == null) {
      // Created holding this request, so a flush in between never reads an empty accumulator.
      last = lastRequest.computeIfAbsent(key, k -> new LongAccumulator(Math::max, epochMillis));
    }
    last.accumulate(epochMillis);
  }

  /**
   * Blocking: writes status.visitorConnectedAt of the Spaces with a visitor's connection open, so
   * the operator sees it (every flush while it stays open).
   */
  void connected(Set<SpaceKey> spaces, Instant now) {
    for (SpaceKey key : spaces) {
      if (directory.space(key).isPresent()) {
        writer.write(key, "visitorConnectedAt", now);
      }
    }
  }

  /** Blocking: writes every Space whose last request is newer than what its status says. */
  void flush() {
    lastRequest.forEach(
        (key, accumulated) -> {
          Instant at = Instant.ofEpochMilli(accumulated.get());
          Instant inStatus =
              directory
                  .space(key)
                  .map(s -> s.getStatus() == null ? null : s.getStatus().getLastActivityTime())
                  .map(Instant::parse)
                  .orElse(null);
          Instant alreadyWritten = written.get(key);
          boolean newer =
              (inStatus == null || at.isAfter(inStatus))
                  && (alreadyWritten == null || at.isAfter(alreadyWritten));
          if (newer
              && directory.space(key).isPresent()
              && writer.write(key, "lastActivityTime", at)) {
            written.put(key, at);
          }
          if (directory.space(key).isEmpty()) {
            lastRequest.remove(key);
            written.remove(key);
          }
        });
  }
}
