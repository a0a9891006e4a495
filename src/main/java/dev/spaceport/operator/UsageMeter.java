package dev.spaceport.operator;

import dev.spaceport.api.FlavorUsage;
import dev.spaceport.api.HardwareFlavorSpec;
import dev.spaceport.api.SpaceUsage;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Counts the hardware a Space holds into status.usage (docs/metrics-and-alerts.md). The totals only
 * grow; the time since the last count goes to what was held then, so a count survives restarts of
 * the operator (what was held is in status) and is exact at every change the operator sees. Pure:
 * the clock is an input.
 */
final class UsageMeter {

  /**
   * What a Space holds now.
   *
   * @param holding the flavor of each of its pods that holds hardware (bound to a node, not
   *     finished)
   * @param servingLeft how much longer it counts as serving if nobody comes: until a minute after
   *     its last request, or longer while a visitor connection is open; negative when that ended
   *     that long ago, null when it never served. A duration, not an instant, so that usage can be
   *     counted on a clock of its own (a test's) while visits are stamped on the cluster's.
   */
  record Holding(List<String> holding, Duration servingLeft) {}

  private UsageMeter() {}

  /**
   * The usage brought up to {@code now}, or empty when status needs no write: nothing changed and
   * the last count is younger than {@code interval}.
   *
   * @param flavors a flavor's spec by name (empty once it is deleted: its time still counts, at no
   *     GPU and no price)
   */
  static Optional<SpaceUsage> count(
      SpaceUsage previous,
      Holding now,
      Function<String, Optional<HardwareFlavorSpec>> flavors,
      Instant at,
      Duration interval) {
    Instant servingUntil = now.servingLeft() == null ? null : at.plus(now.servingLeft());
    boolean servingNow = servingUntil != null && at.isBefore(servingUntil);
    List<String> holding = now.holding().stream().sorted().toList();
    if (previous == null || previous.getCountedUntil() == null) {
      SpaceUsage first = new SpaceUsage();
      first.setSince(at.toString());
      first.setCountedUntil(at.toString());
      first.setHolding(holding);
      first.setServing(servingNow);
      return Optional.of(first);
    }
    Instant from = Instant.parse(previous.getCountedUntil());
    boolean changed =
        !Objects.equals(previous.getHolding(), holding) || previous.isServing() != servingNow;
    boolean due = !previous.getHolding().isEmpty() && !from.plus(interval).isAfter(at);
    if ((!changed && !due) || at.isBefore(from)) {
      return Optional.empty();
    }
    // Served until the visitor's minute ran out within the interval, idle after it.
    Instant servedUntil = from;
    if (previous.isServing()) {
      servedUntil = servingUntil == null ? at : min(max(servingUntil, from), at);
    }
    double servingSeconds = seconds(from, servedUntil);
    double idleSeconds = seconds(servedUntil, at);

    SpaceUsage next = copy(previous);
    for (String flavor : previous.getHolding()) {
      Optional<HardwareFlavorSpec> spec = flavors.apply(flavor);
      int gpus = spec.map(s -> s.getGpu() == null ? 0 : s.getGpu().getCount()).orElse(0);
      double price =
          spec.map(HardwareFlavorSpec::getPricePerHour)
              .map(p -> new BigDecimal(p).doubleValue())
              .orElse(0.0);
      FlavorUsage usage =
          next.getFlavors().stream()
              .filter(f -> f.getFlavor().equals(flavor))
              .findFirst()
              .orElseGet(
                  () -> {
                    FlavorUsage added = new FlavorUsage(flavor);
                    next.getFlavors().add(added);
                    return added;
                  });
      usage.setServingSeconds(round(usage.getServingSeconds() + servingSeconds));
      usage.setIdleSeconds(round(usage.getIdleSeconds() + idleSeconds));
      usage.setGpuServingSeconds(round(usage.getGpuServingSeconds() + gpus * servingSeconds));
      usage.setGpuIdleSeconds(round(usage.getGpuIdleSeconds() + gpus * idleSeconds));
      usage.setCost(round(usage.getCost() + price * (servingSeconds + idleSeconds) / 3600));
    }
    next.setGpuHours(
        round(
            next.getFlavors().stream()
                    .mapToDouble(f -> f.getGpuServingSeconds() + f.getGpuIdleSeconds())
                    .sum()
                / 3600));
    next.setCost(round(next.getFlavors().stream().mapToDouble(FlavorUsage::getCost).sum()));
    next.setCountedUntil(at.toString());
    next.setHolding(holding);
    next.setServing(servingNow);
    return Optional.of(next);
  }

  /**
   * The totals up to {@code at}, assuming what was held and whether the Space served are as last
   * counted: true until the next change, since the operator counts at every change it sees. The
   * report and the counters read usage this way, so status need not be written while nothing
   * changes.
   */
  static SpaceUsage upTo(
      SpaceUsage usage, Function<String, Optional<HardwareFlavorSpec>> flavors, Instant at) {
    if (usage == null || usage.getCountedUntil() == null) {
      return usage;
    }
    // Still serving as last counted (a long way from turning idle), or idle since.
    Duration servingLeft = usage.isServing() ? Duration.ofDays(36500) : Duration.ofMillis(-1);
    return count(usage, new Holding(usage.getHolding(), servingLeft), flavors, at, Duration.ZERO)
        .orElse(usage);
  }

  /** When a serving Space turns idle if nobody comes: the operator looks again then. */
  static Optional<Duration> nextChange(Holding now) {
    if (now.holding().isEmpty()
        || now.servingLeft() == null
        || now.servingLeft().isNegative()
        || now.servingLeft().isZero()) {
      return Optional.empty();
    }
    return Optional.of(now.servingLeft());
  }

  private static SpaceUsage copy(SpaceUsage usage) {
    SpaceUsage copy = new SpaceUsage();
    copy.setSince(usage.getSince());
    List<FlavorUsage> flavors = new ArrayList<>();
    for (FlavorUsage f : usage.getFlavors()) {
      FlavorUsage c = new FlavorUsage(f.getFlavor());
      c.setServingSeconds(f.getServingSeconds());
      c.setIdleSeconds(f.getIdleSeconds());
      c.setGpuServingSeconds(f.getGpuServingSeconds());
      c.setGpuIdleSeconds(f.getGpuIdleSeconds());
      c.setCost(f.getCost());
      flavors.add(c);
    }
    copy.setFlavors(flavors);
    return copy;
  }

  private static double seconds(Instant from, Instant to) {
    return Math.max(0, Duration.between(from, to).toMillis()) / 1000.0;
  }

  /** Milliseconds and thousandths of the currency are enough, and keep status readable. */
  private static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }
}
