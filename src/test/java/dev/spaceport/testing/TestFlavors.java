package dev.spaceport.testing;

import dev.spaceport.api.GpuSpec;
import dev.spaceport.api.HardwareFlavor;
import dev.spaceport.api.HardwareFlavorSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Map;

/** HardwareFlavors for the pure builders' tests, shaped like the Hub's. */
public final class TestFlavors {

  private TestFlavors() {}

  /** A flavor with a name and nothing else set. */
  public static HardwareFlavor named(String name, boolean isDefault) {
    HardwareFlavor flavor = new HardwareFlavor();
    flavor.setMetadata(new ObjectMetaBuilder().withName(name).build());
    HardwareFlavorSpec spec = new HardwareFlavorSpec();
    spec.setDefault(isDefault);
    flavor.setSpec(spec);
    return flavor;
  }

  /** The default flavor: 2 CPUs, 16 GiB, no GPU. */
  public static HardwareFlavor cpuBasic() {
    HardwareFlavor flavor = named("cpu-basic", true);
    flavor.getSpec().setCpu(new Quantity("2"));
    flavor.getSpec().setMemory(new Quantity("16Gi"));
    return flavor;
  }

  /** One NVIDIA A10G, 4 CPUs, 15 GiB, on nodes labelled pool=gpu. */
  public static HardwareFlavor a10gSmall() {
    HardwareFlavor flavor = named("a10g-small", false);
    flavor.getSpec().setCpu(new Quantity("4"));
    flavor.getSpec().setMemory(new Quantity("15Gi"));
    GpuSpec gpu = new GpuSpec();
    gpu.setCount(1);
    gpu.setProduct("NVIDIA-A10G");
    flavor.getSpec().setGpu(gpu);
    flavor.getSpec().setNodeSelector(Map.of("pool", "gpu"));
    return flavor;
  }
}
