package dev.spaceport.operator;

import dev.spaceport.api.HardwareFlavor;
import dev.spaceport.api.Space;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** Resolves a Space's hardware flavor among the cluster's HardwareFlavors. Pure. */
public final class FlavorCatalog {

  private final List<HardwareFlavor> flavors;

  public FlavorCatalog(Collection<HardwareFlavor> flavors) {
    this.flavors =
        flavors.stream().sorted(Comparator.comparing(f -> f.getMetadata().getName())).toList();
  }

  /** The flavor the Space asks for, or the default one; empty with {@link #whyNot} otherwise. */
  public Optional<HardwareFlavor> resolve(Space space) {
    String wanted = space.getSpec().getHardware();
    if (wanted != null) {
      return flavors.stream().filter(f -> f.getMetadata().getName().equals(wanted)).findFirst();
    }
    List<HardwareFlavor> defaults =
        flavors.stream().filter(f -> Boolean.TRUE.equals(f.getSpec().getDefault())).toList();
    return defaults.size() == 1 ? Optional.of(defaults.get(0)) : Optional.empty();
  }

  public Optional<HardwareFlavor> named(String name) {
    return flavors.stream().filter(f -> f.getMetadata().getName().equals(name)).findFirst();
  }

  /**
   * The flavor the Space asks for, then its fallbacks in order (those that exist); empty when the
   * first does not resolve.
   */
  public List<HardwareFlavor> chain(Space space) {
    List<HardwareFlavor> chain = new java.util.ArrayList<>();
    resolve(space).ifPresent(chain::add);
    if (!chain.isEmpty() && space.getSpec().getHardwareFallback() != null) {
      for (String name : space.getSpec().getHardwareFallback()) {
        named(name).filter(f -> !chain.contains(f)).ifPresent(chain::add);
      }
    }
    return chain;
  }

  /** The first fallback flavor that does not exist, as a message naming the field. */
  public Optional<String> unknownFallback(Space space) {
    List<String> fallback =
        Optional.ofNullable(space.getSpec().getHardwareFallback()).orElse(List.of());
    for (int i = 0; i < fallback.size(); i++) {
      if (named(fallback.get(i)).isEmpty()) {
        return Optional.of(
            "spec.hardwareFallback["
                + i
                + "]: unknown hardware flavor "
                + fallback.get(i)
                + "; the flavors that exist are: "
                + flavors.stream()
                    .map(f -> f.getMetadata().getName())
                    .collect(Collectors.joining(", ")));
      }
    }
    return Optional.empty();
  }

  /** The name the Space asks for, or the default flavor's. */
  public String requestedName(Space space) {
    if (space.getSpec().getHardware() != null) {
      return space.getSpec().getHardware();
    }
    return resolve(space).map(f -> f.getMetadata().getName()).orElse("");
  }

  /** Why {@link #resolve} found nothing, naming the flavors that exist. */
  public String whyNot(Space space) {
    String known =
        flavors.isEmpty()
            ? "none (install deploy/hardware-flavors.yaml)"
            : flavors.stream()
                .map(f -> f.getMetadata().getName())
                .collect(Collectors.joining(", "));
    String wanted = space.getSpec().getHardware();
    if (wanted != null) {
      return "unknown hardware flavor " + wanted + "; the flavors that exist are: " + known;
    }
    long defaults =
        flavors.stream().filter(f -> Boolean.TRUE.equals(f.getSpec().getDefault())).count();
    return (defaults == 0
            ? "no hardware flavor is the default"
            : defaults + " hardware flavors claim to be the default")
        + "; name one in spec.hardware: "
        + known;
  }
}
