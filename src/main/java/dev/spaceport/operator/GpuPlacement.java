package dev.spaceport.operator;

import dev.spaceport.api.HardwareFlavorSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Where a flavor's pod may run and what it holds: node selector, tolerations, resources. Pure. */
final class GpuPlacement {

  static final String DEFAULT_GPU_RESOURCE = "nvidia.com/gpu";
  static final String GPU_PRODUCT_LABEL = "nvidia.com/gpu.product";

  private GpuPlacement() {}

  static Map<String, String> nodeSelector(HardwareFlavorSpec hw) {
    Map<String, String> selector = new TreeMap<>();
    if (hw.getNodeSelector() != null) {
      selector.putAll(hw.getNodeSelector());
    }
    if (hw.getGpu() != null && hw.getGpu().getProduct() != null) {
      selector.put(GPU_PRODUCT_LABEL, hw.getGpu().getProduct());
    }
    return selector;
  }

  /**
   * GPU node pools are tainted nvidia.com/gpu:NoSchedule (GPU operator, EKS, GKE); GPU flavors
   * tolerate it, also those asking for a MIG slice or a shared GPU (nvidia.com/mig-1g.10gb,
   * nvidia.com/gpu.shared), whose nodes carry the same taint, and a taint named like their
   * resource.
   */
  static List<Toleration> tolerations(HardwareFlavorSpec hw) {
    List<Toleration> tolerations = new ArrayList<>();
    if (hw.getGpu() != null) {
      for (String key : new LinkedHashSet<>(List.of(DEFAULT_GPU_RESOURCE, gpuResource(hw)))) {
        tolerations.add(
            new TolerationBuilder()
                .withKey(key)
                .withOperator("Exists")
                .withEffect("NoSchedule")
                .build());
      }
    }
    if (hw.getTolerations() != null) {
      tolerations.addAll(hw.getTolerations());
    }
    return tolerations;
  }

  /** cpu, memory and ephemeral storage: requested as much as the limit. */
  static Map<String, Quantity> requests(HardwareFlavorSpec hw) {
    Map<String, Quantity> resources = new LinkedHashMap<>();
    resources.put("cpu", hw.getCpu());
    resources.put("memory", hw.getMemory());
    if (hw.getEphemeralStorage() != null) {
      resources.put("ephemeral-storage", hw.getEphemeralStorage());
    }
    return resources;
  }

  /** The requests and the GPUs, which Kubernetes takes as limits only. */
  static Map<String, Quantity> limits(HardwareFlavorSpec hw) {
    Map<String, Quantity> limits = new LinkedHashMap<>(requests(hw));
    if (hw.getGpu() != null) {
      limits.put(gpuResource(hw), new Quantity(hw.getGpu().getCount().toString()));
    }
    return limits;
  }

  static String gpuResource(HardwareFlavorSpec hw) {
    return hw.getGpu().getResource() == null ? DEFAULT_GPU_RESOURCE : hw.getGpu().getResource();
  }
}
