package dev.spaceport.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spaceport.api.FlavorUsage;
import dev.spaceport.api.GpuSpec;
import dev.spaceport.api.HardwareFlavorSpec;
import dev.spaceport.api.SpaceUsage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class UsageMeterTest {

  private static final Instant DAY = Instant.parse("2026-12-01T00:00:00Z");
  private static final Duration INTERVAL = Duration.ofMinutes(1);
  private static final Duration SERVING_WINDOW = Duration.ofMinutes(1);

  private static final Map<String, HardwareFlavorSpec> FLAVORS =
      Map.of("a100-large", gpuFlavor(1, "2.50"), "a10g-large", gpuFlavor(1, "1.50"));
  private static final Function<String, Optional<HardwareFlavorSpec>> SPECS =
      name -> Optional.ofNullable(FLAVORS.get(name));

  private static HardwareFlavorSpec gpuFlavor(int gpus, String price) {
    HardwareFlavorSpec spec = new HardwareFlavorSpec();
    GpuSpec gpu = new GpuSpec();
    gpu.setCount(gpus);
    spec.setGpu(gpu);
    spec.setPricePerHour(price);
    return spec;
  }

  private static Instant at(int hours, int minutes) {
    return DAY.plus(Duration.ofHours(hours).plusMinutes(minutes));
  }

  /** What the Space's pods hold, as intervals of the injected clock. */
  private record Held(String flavor, Instant from, Instant to) {}

  /** Visitors come every 30 s within these intervals. */
  private record Visits(Instant from, Instant to) {}

  /**
   * A day: serving and idle on the A100, asleep, woken with the A100 full so it waits two minutes
   * and runs on the A10G fallback, back to the A100 with a minute on both while the new pod starts,
   * asleep again, woken; the operator restarts twice (five minutes down each time). The operator
   * looks at each change a little late, as a reconcile does, and the gateway writes visits only
   * every 10 s. The totals stay within 1 % of the injected clock's.
   */
  @Test
  void aSimulatedDayIsCountedWithinOnePercentAcrossSleepsWakesFallbacksAndRestarts()
      throws Exception {
    List<Held> held =
        List.of(
            new Held("a100-large", at(0, 0), at(3, 0)),
            // 07:00 wake: the A100 is full, the pod waits (holds nothing) until the fallback.
            new Held("a10g-large", at(7, 2), at(9, 1)),
            new Held("a100-large", at(9, 0), at(18, 0)),
            new Held("a100-large", at(20, 0), at(24, 0)));
    List<Visits> visits =
        List.of(
            new Visits(at(0, 0), at(2, 0)),
            new Visits(at(7, 0), at(11, 0)),
            new Visits(at(14, 30), at(15, 0)),
            new Visits(at(20, 0), at(23, 0)));
    List<Visits> down = List.of(new Visits(at(12, 0), at(12, 5)), new Visits(at(22, 0), at(22, 5)));

    // The truth, second by second.
    Map<String, double[]> expected = new HashMap<>(); // flavor -> {serving, idle}
    for (long second = 0; second < 24 * 3600; second++) {
      Instant t = DAY.plusSeconds(second);
      boolean serving =
          lastVisit(visits, t, Duration.ZERO)
              .map(v -> t.isBefore(v.plus(SERVING_WINDOW)))
              .orElse(false);
      for (Held h : held) {
        if (!t.isBefore(h.from()) && t.isBefore(h.to())) {
          expected.computeIfAbsent(h.flavor(), f -> new double[2])[serving ? 0 : 1] += 1;
        }
      }
    }

    // The operator: a reconcile after each change (0-3 s late), at each recheck it asked for,
    // never while it is down; after a restart it knows only what status says.
    Random lag = new Random(42);
    PriorityQueue<Instant> reconciles = new PriorityQueue<>();
    TreeSet<Instant> changes = new TreeSet<>();
    held.forEach(
        h -> {
          changes.add(h.from());
          changes.add(h.to());
        });
    visits.forEach(v -> changes.add(v.from()));
    changes.forEach(c -> reconciles.add(c.plusMillis(lag.nextInt(3000))));
    down.forEach(d -> reconciles.add(d.to()));
    // The Space is created, and first reconciled, before its pod is bound.
    Instant created = DAY.minusSeconds(20);
    reconciles.add(created);
    ObjectMapper json = new ObjectMapper();
    SpaceUsage usage = null;
    Instant last = created.minusSeconds(1);
    while (!reconciles.isEmpty()) {
      Instant now = reconciles.poll();
      if (!now.isAfter(last) || !now.isBefore(at(24, 0).plusSeconds(5))) {
        continue;
      }
      Instant t = now;
      if (down.stream().anyMatch(d -> !t.isBefore(d.from()) && t.isBefore(d.to()))) {
        continue;
      }
      last = now;
      if (down.stream().anyMatch(d -> d.to().equals(t))) {
        usage = json.readValue(json.writeValueAsString(usage), SpaceUsage.class);
      }
      List<String> holding = new ArrayList<>();
      for (Held h : held) {
        if (!now.isBefore(h.from()) && now.isBefore(h.to())) {
          holding.add(h.flavor());
        }
      }
      // The gateway writes the last visit every 10 s.
      Instant servingUntil =
          lastVisit(visits, now, Duration.ofSeconds(10))
              .map(v -> v.plus(SERVING_WINDOW))
              .orElse(null);
      var state =
          new UsageMeter.Holding(
              holding, servingUntil == null ? null : Duration.between(now, servingUntil));
      usage = UsageMeter.count(usage, state, SPECS, now, INTERVAL).orElse(usage);
      UsageMeter.nextChange(state).ifPresent(d -> reconciles.add(t.plus(d).plusMillis(100)));
      if (!holding.isEmpty()) {
        reconciles.add(now.plus(INTERVAL).plusMillis(100));
      }
    }

    assertThat(usage.getSince()).isEqualTo(created.toString());
    double expectedGpuSeconds = 0;
    double expectedCost = 0;
    for (var e : expected.entrySet()) {
      FlavorUsage counted =
          usage.getFlavors().stream()
              .filter(f -> f.getFlavor().equals(e.getKey()))
              .findFirst()
              .orElseThrow();
      double serving = e.getValue()[0];
      double idle = e.getValue()[1];
      assertThat(counted.getServingSeconds())
          .as(e.getKey() + " serving")
          .isCloseTo(serving, within(serving * 0.01));
      assertThat(counted.getIdleSeconds())
          .as(e.getKey() + " idle")
          .isCloseTo(idle, within(idle * 0.01));
      assertThat(counted.getGpuServingSeconds() + counted.getGpuIdleSeconds())
          .isCloseTo(serving + idle, within((serving + idle) * 0.01));
      expectedGpuSeconds += serving + idle;
      expectedCost +=
          (serving + idle) / 3600 * Double.parseDouble(FLAVORS.get(e.getKey()).getPricePerHour());
    }
    assertThat(usage.getGpuHours())
        .isCloseTo(expectedGpuSeconds / 3600, within(expectedGpuSeconds / 3600 * 0.01));
    assertThat(usage.getCost()).isCloseTo(expectedCost, within(expectedCost * 0.01));
    // The day's shape: 3 + 9 + 4 hours on the A100, 1 h 59 min on the A10G.
    assertThat(expected.get("a100-large")[0] + expected.get("a100-large")[1])
        .isEqualTo(16 * 3600.0);
    assertThat(expected.get("a10g-large")[0] + expected.get("a10g-large")[1]).isEqualTo(119 * 60.0);
  }

  private static Optional<Instant> lastVisit(List<Visits> visits, Instant now, Duration flush) {
    Instant seen = now.minus(flush);
    Instant latest = null;
    for (Visits v : visits) {
      if (!seen.isBefore(v.from())) {
        long steps = Duration.between(v.from(), min(seen, v.to())).toSeconds() / 30;
        Instant visit = v.from().plusSeconds(steps * 30);
        if (latest == null || visit.isAfter(latest)) {
          latest = visit;
        }
      }
    }
    return Optional.ofNullable(latest);
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  @Test
  void nothingHeldCountsNothingAndAQuietSpaceNeedsNoWrite() {
    var none = new UsageMeter.Holding(List.of(), null);
    SpaceUsage first = UsageMeter.count(null, none, SPECS, DAY, INTERVAL).orElseThrow();
    assertThat(UsageMeter.count(first, none, SPECS, DAY.plus(Duration.ofHours(5)), INTERVAL))
        .isEmpty();
    var a100 = new UsageMeter.Holding(List.of("a100-large"), null);
    SpaceUsage started =
        UsageMeter.count(first, a100, SPECS, DAY.plus(Duration.ofHours(5)), INTERVAL).orElseThrow();
    assertThat(started.getFlavors()).isEmpty();
    assertThat(
            UsageMeter.count(
                started, a100, SPECS, DAY.plus(Duration.ofHours(5)).plusSeconds(30), INTERVAL))
        .as("within the interval, no change: no write")
        .isEmpty();
    SpaceUsage hour =
        UsageMeter.count(started, a100, SPECS, DAY.plus(Duration.ofHours(6)), INTERVAL)
            .orElseThrow();
    assertThat(hour.getFlavors())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.getIdleSeconds()).isEqualTo(3600.0);
              assertThat(f.getServingSeconds()).isZero();
              assertThat(f.getCost()).isEqualTo(2.5);
            });
    assertThat(hour.getGpuHours()).isEqualTo(1.0);
  }

  @Test
  void upToAddsTheTimeSinceTheLastCountToWhatWasHeldThen() {
    var a100 = new UsageMeter.Holding(List.of("a100-large"), Duration.ofSeconds(30));
    SpaceUsage counted = UsageMeter.count(null, a100, SPECS, DAY, INTERVAL).orElseThrow();
    assertThat(counted.isServing()).isTrue();
    SpaceUsage now = UsageMeter.upTo(counted, SPECS, DAY.plus(Duration.ofHours(2)));
    assertThat(now.getFlavors())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.getServingSeconds()).isEqualTo(7200.0);
              assertThat(f.getIdleSeconds()).isZero();
              assertThat(f.getCost()).isEqualTo(5.0);
            });
    assertThat(now.getCountedUntil()).isEqualTo(DAY.plus(Duration.ofHours(2)).toString());
    assertThat(counted.getFlavors()).as("the counted usage is left as it was").isEmpty();
  }
}
