package dev.spaceport.operator;

import dev.spaceport.api.Space;
import dev.spaceport.config.SpaceportConfig;
import dev.spaceport.rules.SpaceDefaults;
import dev.spaceport.rules.SpaceLabels;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.quarkus.arc.Arc;
import jakarta.inject.Inject;
import java.util.Map;

/**
 * The Space's NetworkPolicy: its pod accepts connections on appPort only from the gateway's pods.
 * Every visitor passes the gateway (activity, wake), and the app may trust the X-Forwarded-*
 * headers the gateway sets. Kubelet probes come from the node, which network plugins let through.
 */
@KubernetesDependent(informer = @Informer(labelSelector = SpaceLabels.MANAGED_SELECTOR))
public class SpaceNetworkPolicyDependent
    extends CRUDKubernetesDependentResource<NetworkPolicy, Space> {

  @Inject SpaceportConfig config;

  public SpaceNetworkPolicyDependent() {
    super(NetworkPolicy.class);
  }

  @Override
  protected NetworkPolicy desired(Space space, Context<Space> context) {
    return build(space, config);
  }

  public static NetworkPolicy build(Space space, SpaceportConfig config) {
    var policy = config.networkPolicy();
    String gatewayNamespace =
        policy.gatewayNamespace().orElseGet(() -> GatewayEndpoints.namespace(config.gateway()));
    return new NetworkPolicyBuilder()
        .withNewMetadata()
        .withName(space.getMetadata().getName())
        .withNamespace(space.getMetadata().getNamespace())
        .withLabels(SpaceLabels.of(space))
        .endMetadata()
        .withNewSpec()
        .withNewPodSelector()
        .withMatchLabels(SpaceLabels.selector(space))
        .endPodSelector()
        .withPolicyTypes("Ingress")
        .addNewIngress()
        .addNewFrom()
        .withNewNamespaceSelector()
        .withMatchLabels(Map.of("kubernetes.io/metadata.name", gatewayNamespace))
        .endNamespaceSelector()
        .withNewPodSelector()
        .withMatchLabels(policy.gatewayPodLabels())
        .endPodSelector()
        .endFrom()
        .addNewPort()
        .withProtocol("TCP")
        .withPort(new IntOrString(SpaceDefaults.appPort(space.getSpec())))
        .endPort()
        .endIngress()
        .endSpec()
        .build();
  }

  /**
   * Manages the NetworkPolicies only when {@code spaceport.network-policy.enabled}: otherwise not
   * even their informer starts, so an install without the feature needs no permission on
   * NetworkPolicies.
   */
  public static class Enabled implements Condition<NetworkPolicy, Space> {
    @Override
    public boolean isMet(
        DependentResource<NetworkPolicy, Space> dependentResource,
        Space space,
        Context<Space> context) {
      // JOSDK instantiates conditions itself, without injection.
      return Arc.container().instance(SpaceportConfig.class).get().networkPolicy().enabled();
    }
  }
}
