package dev.spaceport.operator;

import dev.spaceport.api.Space;
import dev.spaceport.rules.SpaceDefaults;
import dev.spaceport.rules.SpaceLabels;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/**
 * The Space's Service on appPort, which its Ingress routes to. It has no selector: its endpoints
 * are the gateway's (docs/architecture.md), so every request passes the gateway, which records
 * activity and wakes a sleeping Space. Any ingress controller routes to plain endpoints.
 */
@KubernetesDependent(informer = @Informer(labelSelector = SpaceLabels.MANAGED_SELECTOR))
public class SpaceServiceDependent extends CRUDKubernetesDependentResource<Service, Space> {

  public SpaceServiceDependent() {
    super(Service.class);
  }

  @Override
  protected Service desired(Space space, Context<Space> context) {
    return build(space);
  }

  public static Service build(Space space) {
    int port = SpaceDefaults.appPort(space.getSpec());
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(space.getMetadata().getName())
        .withNamespace(space.getMetadata().getNamespace())
        .withLabels(SpaceLabels.of(space))
        .endMetadata()
        .withNewSpec()
        .withType("ClusterIP")
        .addNewPort()
        .withName("http")
        .withProtocol("TCP")
        .withPort(port)
        .withTargetPort(new IntOrString(port))
        .endPort()
        .endSpec()
        .build();
  }
}
