package dev.spaceport.operator;

import dev.spaceport.api.FlavorUsage;
import dev.spaceport.api.HardwareFlavorSpec;
import dev.spaceport.api.SpaceUsage;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The Spaces' status.usage as Prometheus counters (docs/metrics-and-alerts.md): GPU-seconds and
 * flavor-seconds per namespace, Space, flavor and state (serving, idle), and cost. They read the
 * totals in status, so they continue across restarts of the operator instead of starting at zero,
 * and add the time since the last count at each scrape ({@link UsageMeter#upTo}).
 */
@ApplicationScoped
public class UsageMetrics {

  private record Key(String namespace, String space, String flavor) {}

  /** A Space's usage as last counted, and its flavors' specs then. */
  private record Counted(
      SpaceUsage usage, Function<String, Optional<HardwareFlavorSpec>> flavors) {}

  @Inject MeterRegistry registry;

  @Inject UsageClock clock;

  private final Map<String, Counted> spaces = new ConcurrentHashMap<>();
  private final Set<Key> registered = ConcurrentHashMap.newKeySet();

  void record(
      String namespace,
      String space,
      SpaceUsage usage,
      Function<String, Optional<HardwareFlavorSpec>> flavors) {
    if (usage == null) {
      return;
    }
    spaces.put(namespace + "/" + space, new Counted(usage, flavors));
    List<String> names = new ArrayList<>(usage.getHolding());
    usage.getFlavors().forEach(f -> names.add(f.getFlavor()));
    for (String flavor : names) {
      Key key = new Key(namespace, space, flavor);
      if (registered.add(key)) {
        register(key, "spaceport.space.gpu.seconds", "serving", FlavorUsage::getGpuServingSeconds);
        register(key, "spaceport.space.gpu.seconds", "idle", FlavorUsage::getGpuIdleSeconds);
        register(key, "spaceport.space.flavor.seconds", "serving", FlavorUsage::getServingSeconds);
        register(key, "spaceport.space.flavor.seconds", "idle", FlavorUsage::getIdleSeconds);
        register(key, "spaceport.space.cost", null, FlavorUsage::getCost);
      }
    }
  }

  /** The flavor's totals up to now. */
  private FlavorUsage now(Key key) {
    Counted counted = spaces.get(key.namespace() + "/" + key.space());
    if (counted == null) {
      return new FlavorUsage(key.flavor());
    }
    return UsageMeter.upTo(counted.usage(), counted.flavors(), clock.now()).getFlavors().stream()
        .filter(f -> f.getFlavor().equals(key.flavor()))
        .findFirst()
        .orElseGet(() -> new FlavorUsage(key.flavor()));
  }

  private void register(Key key, String name, String state, ToDoubleFunction<FlavorUsage> value) {
    var builder =
        FunctionCounter.builder(name, this, m -> value.applyAsDouble(m.now(key)))
            .tag("namespace", key.namespace())
            .tag("space", key.space())
            .tag("flavor", key.flavor());
    if (state != null) {
      builder.tag("state", state).baseUnit("seconds");
    }
    builder
        .description(
            state == null
                ? "Cost of the hardware a Space held, from its flavor's pricePerHour"
                : "Seconds a Space held a flavor (GPU-seconds: times its GPUs), serving or idle")
        .register(registry);
  }
}
