package dev.spaceport.operator;

import dev.spaceport.config.SpaceportConfig;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * The gateway's ready addresses: fixed by configuration, or read from its Service's EndpointSlices.
 */
public final class GatewayEndpoints {

  /** Ready IPv4 addresses of the gateway, and the port its pods listen on. */
  public record Addresses(List<String> ips, int port) {}

  private GatewayEndpoints() {}

  public static Addresses of(
      SpaceportConfig.Gateway config, Collection<EndpointSlice> gatewaySlices) {
    if (config.endpoints().isPresent()) {
      return new Addresses(List.copyOf(config.endpoints().get()), config.podPort());
    }
    return fromSlices(gatewaySlices, config.podPort());
  }

  /**
   * The ready IPv4 addresses of the gateway Service's EndpointSlices, in order. An endpoint whose
   * readiness is unknown counts as ready, as Kubernetes says it should; IPv6 slices are left out,
   * since a Space's EndpointSlice is IPv4.
   */
  static Addresses fromSlices(Collection<EndpointSlice> gatewaySlices, int port) {
    List<String> ready =
        gatewaySlices.stream()
            .filter(slice -> "IPv4".equals(slice.getAddressType()) && slice.getEndpoints() != null)
            .flatMap(slice -> slice.getEndpoints().stream())
            .filter(
                e ->
                    e.getConditions() == null
                        || !Boolean.FALSE.equals(e.getConditions().getReady()))
            .flatMap(e -> e.getAddresses().stream())
            .filter(Objects::nonNull)
            .distinct()
            .sorted()
            .toList();
    return new Addresses(ready, port);
  }

  static String namespace(SpaceportConfig.Gateway config) {
    return config.service().substring(0, config.service().indexOf('/'));
  }

  static String name(SpaceportConfig.Gateway config) {
    return config.service().substring(config.service().indexOf('/') + 1);
  }
}
