package dev.spaceport.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spaceport.api.GpuSpec;
import dev.spaceport.api.HardwareFlavorSpec;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GpuCapacityTest {

  private static Node gpuNode(String name, String product, int gpus) {
    return new NodeBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(Map.of("nvidia.com/gpu.product", product))
        .endMetadata()
        .withNewSpec()
        .addNewTaint()
        .withKey("nvidia.com/gpu")
        .withValue("present")
        .withEffect("NoSchedule")
        .endTaint()
        .endSpec()
        .withNewStatus()
        .withAllocatable(
            Map.of(
                "cpu", new Quantity("48"),
                "memory", new Quantity("192Gi"),
                "nvidia.com/gpu", new Quantity(String.valueOf(gpus))))
        .addNewCondition()
        .withType("Ready")
        .withStatus("True")
        .endCondition()
        .endStatus()
        .build();
  }

  private static Pod pod(String node, int gpus, String phase) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("p-" + node + "-" + gpus)
        .endMetadata()
        .withNewSpec()
        .withNodeName(node)
        .addNewContainer()
        .withName("app")
        .withNewResources()
        .withRequests(Map.of("cpu", new Quantity("4"), "memory", new Quantity("16Gi")))
        .withLimits(Map.of("nvidia.com/gpu", new Quantity(String.valueOf(gpus))))
        .endResources()
        .endContainer()
        .endSpec()
        .withNewStatus()
        .withPhase(phase)
        .endStatus()
        .build();
  }

  private static HardwareFlavorSpec flavor(String product, int gpus) {
    HardwareFlavorSpec spec = new HardwareFlavorSpec();
    spec.setCpu(new Quantity("12"));
    spec.setMemory(new Quantity("46Gi"));
    GpuSpec gpu = new GpuSpec();
    gpu.setCount(gpus);
    gpu.setProduct(product);
    spec.setGpu(gpu);
    return spec;
  }

  @Test
  void aFlavorFitsWhereItsProductHasEnoughFreeGpus() {
    var capacity =
        new GpuCapacity(
            List.of(gpuNode("a100-1", "A100", 8), gpuNode("a10g-1", "A10G", 4)),
            List.of(pod("a100-1", 7, "Running"), pod("a10g-1", 4, "Succeeded")));
    assertThat(capacity.fits(flavor("A100", 1))).isTrue();
    assertThat(capacity.fits(flavor("A100", 2))).isFalse();
    assertThat(capacity.fits(flavor("A10G", 4))).as("a finished pod holds nothing").isTrue();
    assertThat(capacity.fits(flavor("H100", 1))).as("no node of the product").isFalse();
  }

  @Test
  void aGpuNodesTaintKeepsOutWhatDoesNotTolerateIt() {
    HardwareFlavorSpec cpuOnly = new HardwareFlavorSpec();
    cpuOnly.setCpu(new Quantity("2"));
    cpuOnly.setMemory(new Quantity("4Gi"));
    var capacity = new GpuCapacity(List.of(gpuNode("a10g-1", "A10G", 4)), List.of());
    assertThat(capacity.fits(cpuOnly)).isFalse();
  }

  @Test
  void freeingAPodMakesRoomOnItsNodeOnly() {
    Pod holder = pod("a100-1", 8, "Running");
    var capacity =
        new GpuCapacity(
            List.of(gpuNode("a100-1", "A100", 8), gpuNode("a100-2", "A100", 8)),
            List.of(holder, pod("a100-2", 8, "Running")));
    assertThat(capacity.fits(flavor("A100", 1))).isFalse();
    assertThat(capacity.fitsWithout(flavor("A100", 1), holder)).isTrue();
  }
}
