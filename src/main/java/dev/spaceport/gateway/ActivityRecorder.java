package dev.spaceport.gateway;

import dev.spaceport.gateway.SpaceDirectory.SpaceKey;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers each Space's last counted request in memory and writes it to status.lastActivityTime
 * at most once per flush (the caller's timer), never moving it backwards.
 */
class ActivityRecorder {

    private final SpaceDirectory directory;
    private final SpaceStatusWriter writer;
    private final Map<SpaceKey, Instant> lastRequest = new ConcurrentHashMap<>();
    private final Map<SpaceKey, Instant> written = new ConcurrentHashMap<>();

    ActivityRecorder(SpaceDirectory directory, SpaceStatusWriter writer) {
        this.directory = directory;
        this.writer = writer;
    }

    void record(SpaceKey key, Instant at) {
        lastRequest.merge(key, at, (a, b) -> a.isAfter(b) ? a : b);
    }

    /** Blocking: writes every Space whose last request is newer than what its status says. */
    void flush() {
        lastRequest.forEach((key, at) -> {
            Instant inStatus = directory.space(key).map(s -> s.getStatus() == null ? null : s.getStatus().getLastActivityTime())
                    .map(Instant::parse).orElse(null);
            Instant alreadyWritten = written.get(key);
            boolean newer = (inStatus == null || at.isAfter(inStatus)) && (alreadyWritten == null || at.isAfter(alreadyWritten));
            if (newer && directory.space(key).isPresent() && writer.write(key, "lastActivityTime", at)) {
                written.put(key, at);
            }
            if (directory.space(key).isEmpty()) {
                lastRequest.remove(key);
                written.remove(key);
            }
        });
    }

    Optional<Instant> lastRequest(SpaceKey key) {
        return Optional.ofNullable(lastRequest.get(key));
    }
}
