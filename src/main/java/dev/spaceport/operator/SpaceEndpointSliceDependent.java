package dev.spaceport.operator;

import dev.spaceport.api.Space;
import dev.spaceport.rules.SpaceLabels;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The endpoints of the Space's selector-less Service: the gateway's ready addresses (Knative's
 * trick, docs/architecture.md), so an ingress routes the Space's host to the gateway, which finds
 * the pod.
 */
@KubernetesDependent(informer = @Informer(labelSelector = SpaceLabels.MANAGED_SELECTOR))
public class SpaceEndpointSliceDependent
    extends CRUDKubernetesDependentResource<EndpointSlice, Space> {

  static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

  public SpaceEndpointSliceDependent() {
    super(EndpointSlice.class);
  }

  @Override
  protected EndpointSlice desired(Space space, Context<Space> context) {
    return build(space, SpaceWorkflowInputs.of(context).gateway());
  }

  /**
   * The desired EndpointSlice: a pure function of the Space and the gateway's addresses and port.
   */
  public static EndpointSlice build(Space space, GatewayEndpoints.Addresses gateway) {
    Map<String, String> labels = new LinkedHashMap<>(SpaceLabels.of(space));
    labels.put(SERVICE_NAME_LABEL, space.getMetadata().getName());
    labels.put("endpointslice.kubernetes.io/managed-by", "spaceport.dev");
    List<Endpoint> endpoints =
        gateway.ips().stream()
            .sorted()
            .map(
                ip ->
                    new EndpointBuilder()
                        .withAddresses(ip)
                        .withNewConditions()
                        .withReady(true)
                        .endConditions()
                        .build())
            .toList();
    return new EndpointSliceBuilder()
        .withNewMetadata()
        .withName(space.getMetadata().getName() + "-gateway")
        .withNamespace(space.getMetadata().getNamespace())
        .withLabels(labels)
        .endMetadata()
        .withAddressType("IPv4")
        .withEndpoints(endpoints)
        .addNewPort()
        .withName("http")
        .withPort(gateway.port())
        .withProtocol("TCP")
        .endPort()
        .build();
  }
}
