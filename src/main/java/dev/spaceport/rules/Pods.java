package dev.spaceport.rules;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.readiness.Readiness;
import java.util.Map;

/** What both roles read off a Space's pod. */
public final class Pods {

  private Pods() {}

  /** Ready and not on its way out: a pod that may serve a visitor. */
  public static boolean serving(Pod pod) {
    return pod.getMetadata().getDeletionTimestamp() == null && Readiness.isPodReady(pod);
  }

  public static String annotation(Pod pod, String key) {
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(key);
  }

  public static String label(Pod pod, String key) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    return labels == null ? null : labels.get(key);
  }
}
