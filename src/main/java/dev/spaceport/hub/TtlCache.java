package dev.spaceport.hub;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A small time-bounded cache for the API server's answers (TokenReview, SubjectAccessReview): a
 * revoked token or RoleBinding counts within the TTL. Bounded: past its size it starts afresh.
 */
final class TtlCache<V> {

  private record Entry<V>(V value, long expiresAtNanos) {}

  private final Map<String, Entry<V>> entries = new ConcurrentHashMap<>();
  private final long ttlNanos;
  private final int maxEntries;

  TtlCache(Duration ttl, int maxEntries) {
    this.ttlNanos = ttl.toNanos();
    this.maxEntries = maxEntries;
  }

  V get(String key, Supplier<V> load) {
    long now = System.nanoTime();
    Entry<V> entry = entries.get(key);
    if (entry != null && entry.expiresAtNanos - now > 0) {
      return entry.value;
    }
    V value = load.get();
    if (entries.size() >= maxEntries) {
      entries.clear();
    }
    entries.put(key, new Entry<>(value, now + ttlNanos));
    return value;
  }
}
