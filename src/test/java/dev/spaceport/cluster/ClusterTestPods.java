package dev.spaceport.cluster;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
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
}
