package dev.spaceport.operator;

import dev.spaceport.api.FlavorUsage;
import dev.spaceport.api.SpaceUsage;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * The Spaces' status.usage as Prometheus counters (docs/metrics-and-alerts.md): GPU-seconds and
 * flavor-seconds per namespace, Space, flavor and state (serving, idle), and cost. They read the
 * totals in status, so they continue across restarts of the operator instead of starting at zero.
 */
@ApplicationScoped
public class UsageMetrics {

  private record Key(String namespace, String space, String flavor) {}

  @Inject MeterRegistry registry;

  private final Map<Key, FlavorUsage> totals = new ConcurrentHashMap<>();

  void record(String namespace, String space, SpaceUsage usage) {
    if (usage == null) {
      return;
    }
    for (FlavorUsage flavor : usage.getFlavors()) {
      Key key = new Key(namespace, space, flavor.getFlavor());
      if (totals.put(key, flavor) == null) {
        register(key, "spaceport.space.gpu.seconds", "serving", FlavorUsage::getGpuServingSeconds);
        register(key, "spaceport.space.gpu.seconds", "idle", FlavorUsage::getGpuIdleSeconds);
        register(key, "spaceport.space.flavor.seconds", "serving", FlavorUsage::getServingSeconds);
        register(key, "spaceport.space.flavor.seconds", "idle", FlavorUsage::getIdleSeconds);
        register(key, "spaceport.space.cost", null, FlavorUsage::getCost);
      }
    }
  }

  private void register(Key key, String name, String state, ToDoubleFunction<FlavorUsage> value) {
    var builder =
        FunctionCounter.builder(name, this, m -> value.applyAsDouble(m.totals.get(key)))
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
