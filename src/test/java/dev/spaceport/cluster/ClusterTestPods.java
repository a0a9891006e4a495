package dev.spaceport.cluster;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Map;

/** Pods the world-is-real tests create; kwok never pulls or runs their image. */
final class ClusterTestPods {

  static final String IMAGE = "registry.spaceport.test/app:1.0";

  private ClusterTestPods() {}

  static Pod cpuPod(String name, Map<String, String> annotations) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withAnnotations(annotations)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("app")
        .withImage(IMAGE)
        .endContainer()
        .endSpec()
        .build();
  }

  /** A pod asking for GPUs of one product, as a Space pod on a GPU flavor does. */
  static Pod gpuPod(String name, String product, int gpus) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .addToNodeSelector("nvidia.com/gpu.product", product)
        .addNewToleration()
        .withKey("nvidia.com/gpu")
        .withOperator("Exists")
        .withEffect("NoSchedule")
        .endToleration()
        .addNewContainer()
        .withName("app")
        .withImage(IMAGE)
        .withNewResources()
        .addToLimits("nvidia.com/gpu", new Quantity(Integer.toString(gpus)))
        .endResources()
        .endContainer()
        .endSpec()
        .build();
  }
}
