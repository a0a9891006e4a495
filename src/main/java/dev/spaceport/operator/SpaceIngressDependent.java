package dev.spaceport.operator;

import dev.spaceport.api.Space;
import dev.spaceport.config.SpaceportConfig;
import dev.spaceport.rules.SpaceDefaults;
import dev.spaceport.rules.SpaceHosts;
import dev.spaceport.rules.SpaceLabels;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPathBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRuleBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The Space's Ingress: its own host and its custom domains, through the cluster's ingress
 * controller.
 */
@KubernetesDependent(informer = @Informer(labelSelector = SpaceLabels.MANAGED_SELECTOR))
public class SpaceIngressDependent extends CRUDKubernetesDependentResource<Ingress, Space> {

  @Inject SpaceportConfig config;

  public SpaceIngressDependent() {
    super(Ingress.class);
  }

  @Override
  protected Ingress desired(Space space, Context<Space> context) {
    return build(space, config);
  }

  public static Ingress build(Space space, SpaceportConfig config) {
    String host = SpaceHosts.host(space, config);
    List<String> hosts = new ArrayList<>(List.of(host));
    if (space.getSpec().getDomains() != null) {
      space.getSpec().getDomains().stream().filter(d -> !hosts.contains(d)).forEach(hosts::add);
    }
    HTTPIngressPath toService =
        new HTTPIngressPathBuilder()
            .withPath("/")
            .withPathType("Prefix")
            .withNewBackend()
            .withNewService()
            .withName(space.getMetadata().getName())
            .withNewPort()
            .withNumber(SpaceDefaults.appPort(space.getSpec()))
            .endPort()
            .endService()
            .endBackend()
            .build();
    List<IngressRule> rules =
        hosts.stream()
            .map(
                h ->
                    new IngressRuleBuilder()
                        .withHost(h)
                        .withNewHttp()
                        .withPaths(toService)
                        .endHttp()
                        .build())
            .toList();
    var spec =
        new IngressBuilder()
            .withNewMetadata()
            .withName(space.getMetadata().getName())
            .withNamespace(space.getMetadata().getNamespace())
            .withLabels(SpaceLabels.of(space))
            .withAnnotations(new LinkedHashMap<>(config.ingress().annotations()))
            .endMetadata()
            .withNewSpec()
            .withIngressClassName(config.ingress().className().orElse(null))
            .withRules(rules);
    // The wildcard certificate covers <namespace>-<name>.<domain>; custom domains bring their own.
    config
        .ingress()
        .tlsSecret()
        .ifPresent(secret -> spec.addNewTl().withHosts(host).withSecretName(secret).endTl());
    return spec.endSpec().build();
  }
}
