package dev.spaceport.operator;

import dev.spaceport.api.HardwareFlavor;
import dev.spaceport.api.Space;
import dev.spaceport.config.SpaceportConfig;
import dev.spaceport.rules.SpaceDefaults;
import dev.spaceport.rules.SpaceLabels;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Space's Deployment: one pod ({@link SpacePodTemplate}), none while it sleeps or is paused; a
 * new spec rolls out beside the serving pod.
 */
@KubernetesDependent(informer = @Informer(labelSelector = SpaceLabels.MANAGED_SELECTOR))
public class SpaceDeploymentDependent extends CRUDKubernetesDependentResource<Deployment, Space> {

  @Inject SpaceportConfig config;

  public SpaceDeploymentDependent() {
    super(Deployment.class);
  }

  @Override
  protected Deployment desired(Space space, Context<Space> context) {
    SpaceWorkflowInputs inputs = SpaceWorkflowInputs.of(context);
    return build(space, inputs.flavor(), inputs.fallbackReason(), inputs.sleepingSince(), config);
  }

  public static Deployment build(
      Space space, HardwareFlavor flavor, String sleepingSince, SpaceportConfig config) {
    return build(space, flavor, null, sleepingSince, config);
  }

  /**
   * The desired Deployment: a pure function of the Space, the flavor it runs on and why when that
   * is a fallback, since when it sleeps (null when awake), and the configuration.
   */
  public static Deployment build(
      Space space,
      HardwareFlavor flavor,
      String fallbackReason,
      String sleepingSince,
      SpaceportConfig config) {
    PodTemplateSpec template = SpacePodTemplate.of(space, flavor, config);
    Map<String, String> annotations = new TreeMap<>();
    if (sleepingSince != null) {
      annotations.put(SpaceLabels.SLEEPING_SINCE, sleepingSince);
    }
    if (fallbackReason != null) {
      annotations.put(SpaceLabels.FALLBACK_REASON, fallbackReason);
    }
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(space.getMetadata().getName())
        .withNamespace(space.getMetadata().getNamespace())
        .withLabels(SpaceLabels.of(space))
        .withAnnotations(annotations)
        .endMetadata()
        .withNewSpec()
        .withReplicas(sleepingSince != null || SpaceDefaults.paused(space) ? 0 : 1)
        .withRevisionHistoryLimit(2)
        .withNewSelector()
        .withMatchLabels(SpaceLabels.selector(space))
        .endSelector()
        // A new spec starts beside the serving pod (RUNNING_APP_STARTING), which goes once the new
        // one is Ready.
        .withNewStrategy()
        .withType("RollingUpdate")
        .withNewRollingUpdate()
        .withMaxSurge(new IntOrString(1))
        .withMaxUnavailable(new IntOrString(0))
        .endRollingUpdate()
        .endStrategy()
        .withTemplate(template)
        .endSpec()
        .build();
  }
}
