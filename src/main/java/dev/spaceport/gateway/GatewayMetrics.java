package dev.spaceport.gateway;

import dev.spaceport.gateway.SpaceDirectory.SpaceKey;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/** The gateway's meters: requests and response sizes per Space and code, wakes, held requests. */
final class GatewayMetrics {

  private final MeterRegistry meters;

  /** Meters per Space, built once: building them per request showed in profiles. */
  private final Map<SpaceKey, RequestMeters> requestMeters = new ConcurrentHashMap<>();

  private final RequestMeters unrouted;

  GatewayMetrics(MeterRegistry meters) {
    this.meters = meters;
    this.unrouted = new RequestMeters("none", meters);
  }

  /** Call when the response has ended; a request for no Space is recorded as space "none". */
  void recordRequest(SpaceKey key, HttpServerResponse response, long nanos) {
    RequestMeters forSpace =
        key == null
            ? unrouted
            : requestMeters.computeIfAbsent(key, k -> new RequestMeters(k.toString(), meters));
    forSpace.record(response, nanos);
  }

  void wakeRequested(SpaceKey key) {
    Counter.builder("spaceport.gateway.wakes")
        .description("Wakes the gateway asked for")
        .tag("space", key.toString())
        .register(meters)
        .increment();
  }

  void wakeCompleted(SpaceKey key, Duration took) {
    Timer.builder("spaceport.gateway.wake.duration")
        .description("From the wake request to a Ready pod")
        .tag("space", key.toString())
        .register(meters)
        .record(took);
  }

  /** The number of requests held for a Space, exported as a gauge. */
  AtomicInteger heldRequests(SpaceKey key) {
    AtomicInteger count = new AtomicInteger();
    meters.gauge("spaceport.gateway.held.requests", Tags.of("space", key.toString()), count);
    return count;
  }

  /** A Space's request meters: one timer per status code, and the response sizes. */
  private static final class RequestMeters {
    private final String space;
    private final MeterRegistry meters;
    private final DistributionSummary responseBytes;

    /** Indexed by status code, so a request neither builds a tag string nor boxes its code. */
    private final AtomicReferenceArray<Timer> byCode = new AtomicReferenceArray<>(600);

    RequestMeters(String space, MeterRegistry meters) {
      this.space = space;
      this.meters = meters;
      this.responseBytes =
          DistributionSummary.builder("spaceport.gateway.response.bytes")
              .baseUnit("bytes")
              .tags("space", space)
              .register(meters);
    }

    void record(HttpServerResponse response, long nanos) {
      int status = response.getStatusCode();
      int code = status >= 100 && status < 600 ? status : 0; // 0: nothing HTTP knows
      Timer timer = byCode.get(code);
      if (timer == null) {
        timer =
            Timer.builder("spaceport.gateway.requests")
                .description("Requests through the gateway, by Space and status code")
                .tags("space", space, "code", Integer.toString(code))
                .register(meters);
        byCode.set(code, timer);
      }
      timer.record(nanos, TimeUnit.NANOSECONDS);
      responseBytes.record(response.bytesWritten());
    }
  }
}
