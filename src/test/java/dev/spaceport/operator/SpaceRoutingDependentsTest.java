package dev.spaceport.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spaceport.api.Space;
import dev.spaceport.rules.SpaceHosts;
import dev.spaceport.rules.SpaceLabels;
import dev.spaceport.testing.TestConfig;
import dev.spaceport.testing.TestSpaces;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The Service and Ingress a Space gets, from its spec and the configuration. */
class SpaceRoutingDependentsTest {

  private static TestConfig config(
      Optional<String> ingressClass, Map<String, String> annotations, Optional<String> tls) {
    return new TestConfig(
        "spaces.example.com", "https", Optional.empty(), ingressClass, annotations, tls, List.of());
  }

  @Test
  void hostIsOneDnsLabelEvenForLongOrDottedNames() {
    assertThat(SpaceHosts.label("team", "demo")).isEqualTo("team-demo");
    assertThat(SpaceHosts.label("team", "demo.v2")).isEqualTo("team-demo-v2");
    String namespace = "a-namespace-with-a-rather-long-name";
    String name = "and-a-space-whose-name-is-long-too";
    String label = SpaceHosts.label(namespace, name);
    assertThat(label)
        .hasSizeLessThanOrEqualTo(63)
        .matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")
        .startsWith("a-namespace-with-a-rather-long-name-and-a-space");
    assertThat(SpaceHosts.label(namespace, name)).isEqualTo(label);
    assertThat(SpaceHosts.label(namespace, name + "s")).isNotEqualTo(label);
  }

  @Test
  void networkPolicyAdmitsOnlyTheGatewaysPodsOnAppPort() {
    Space space = TestSpaces.gradio("team", "demo", null);
    space.getSpec().setAppPort(8501);
    NetworkPolicy policy =
        SpaceNetworkPolicyDependent.build(
            space, config(Optional.empty(), Map.of(), Optional.empty()));
    assertThat(policy.getMetadata().getNamespace()).isEqualTo("team");
    assertThat(policy.getSpec().getPodSelector().getMatchLabels())
        .isEqualTo(SpaceLabels.selector(space));
    assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress");
    assertThat(policy.getSpec().getIngress())
        .singleElement()
        .satisfies(
            rule -> {
              assertThat(rule.getFrom())
                  .singleElement()
                  .satisfies(
                      peer -> {
                        assertThat(peer.getNamespaceSelector().getMatchLabels())
                            .containsExactly(Map.entry("kubernetes.io/metadata.name", "spaceport"));
                        assertThat(peer.getPodSelector().getMatchLabels())
                            .containsExactly(Map.entry("app.kubernetes.io/component", "gateway"));
                      });
              assertThat(rule.getPorts())
                  .singleElement()
                  .satisfies(p -> assertThat(p.getPort().getIntVal()).isEqualTo(8501));
            });
  }

  @Test
  void serviceHasNoSelectorAndServesAppPort() {
    Space space = TestSpaces.gradio("team", "demo", null);
    space.getSpec().setAppPort(8501);
    Service service = SpaceServiceDependent.build(space);
    assertThat(service.getSpec().getSelector()).isNullOrEmpty();
    assertThat(service.getSpec().getPorts())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getPort()).isEqualTo(8501);
              assertThat(p.getTargetPort().getIntVal()).isEqualTo(8501);
            });
    assertThat(service.getMetadata().getLabels())
        .containsEntry(SpaceLabels.MANAGED_BY, "spaceport")
        .containsEntry(SpaceLabels.SPACE, "demo");
  }

  @Test
  void ingressServesTheSpacesHostAndItsDomainsOnce() {
    Space space = TestSpaces.gradio("team", "demo", null);
    space
        .getSpec()
        .setDomains(List.of("demo.acme.org", "team-demo.spaces.example.com", "www.acme.org"));
    Ingress ingress =
        SpaceIngressDependent.build(space, config(Optional.empty(), Map.of(), Optional.empty()));
    assertThat(ingress.getSpec().getRules())
        .extracting(IngressRule::getHost)
        .containsExactly("team-demo.spaces.example.com", "demo.acme.org", "www.acme.org");
    assertThat(ingress.getSpec().getRules())
        .allSatisfy(
            rule -> {
              var backend = rule.getHttp().getPaths().get(0).getBackend().getService();
              assertThat(backend.getName()).isEqualTo("demo");
              assertThat(backend.getPort().getNumber()).isEqualTo(7860);
            });
    assertThat(ingress.getSpec().getIngressClassName()).isNull();
    assertThat(ingress.getSpec().getTls()).isEmpty();
  }

  @Test
  void ingressClassAnnotationsAndWildcardTlsComeFromConfiguration() {
    Space space = TestSpaces.gradio("team", "demo", null);
    space.getSpec().setDomains(List.of("demo.acme.org"));
    Ingress ingress =
        SpaceIngressDependent.build(
            space,
            config(
                Optional.of("nginx"),
                Map.of("nginx.ingress.kubernetes.io/proxy-buffering", "off"),
                Optional.of("spaces-wildcard-tls")));
    assertThat(ingress.getSpec().getIngressClassName()).isEqualTo("nginx");
    assertThat(ingress.getMetadata().getAnnotations())
        .containsEntry("nginx.ingress.kubernetes.io/proxy-buffering", "off");
    // The wildcard certificate covers only the Space's own host; custom domains bring their own.
    assertThat(ingress.getSpec().getTls())
        .singleElement()
        .satisfies(
            tls -> {
              assertThat(tls.getHosts()).containsExactly("team-demo.spaces.example.com");
              assertThat(tls.getSecretName()).isEqualTo("spaces-wildcard-tls");
            });
  }

  @Test
  void endpointSliceMirrorsTheGatewaysAddressesForTheSpacesService() {
    Space space = TestSpaces.gradio("team", "demo", null);
    var slice =
        SpaceEndpointSliceDependent.build(
            space, new GatewayEndpoints.Addresses(List.of("10.0.0.9", "10.0.0.7"), 8080));
    assertThat(slice.getMetadata().getName()).isEqualTo("demo-gateway");
    assertThat(slice.getMetadata().getLabels()).containsEntry("kubernetes.io/service-name", "demo");
    assertThat(slice.getEndpoints())
        .flatExtracting(e -> e.getAddresses())
        .containsExactly("10.0.0.7", "10.0.0.9");
    assertThat(slice.getPorts())
        .singleElement()
        .satisfies(p -> assertThat(p.getPort()).isEqualTo(8080));
    assertThat(
            SpaceEndpointSliceDependent.build(
                    space, new GatewayEndpoints.Addresses(List.of(), 8080))
                .getEndpoints())
        .isEmpty();
  }

  @Test
  void urlUsesSchemeAndPublicPort() {
    Space space = TestSpaces.gradio("team", "demo", null);
    assertThat(SpaceHosts.url(space, config(Optional.empty(), Map.of(), Optional.empty())))
        .isEqualTo("https://team-demo.spaces.example.com/");
    assertThat(
            SpaceHosts.url(
                space,
                new TestConfig(
                    "spaces.localhost",
                    "http",
                    Optional.of(8080),
                    Optional.empty(),
                    Map.of(),
                    Optional.empty(),
                    List.of())))
        .isEqualTo("http://team-demo.spaces.localhost:8080/");
  }
}
