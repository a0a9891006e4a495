package dev.spaceport.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The gateway's ready addresses, read from its Service's EndpointSlices as the operator does. */
class GatewayEndpointsTest {

  private static Endpoint endpoint(String ip, Boolean ready) {
    return new EndpointBuilder()
        .withAddresses(ip)
        .withNewConditions()
        .withReady(ready)
        .endConditions()
        .build();
  }

  private static EndpointSlice slice(String type, Endpoint... endpoints) {
    return new EndpointSliceBuilder()
        .withNewMetadata()
        .withName("gateway-" + type)
        .endMetadata()
        .withAddressType(type)
        .withEndpoints(endpoints)
        .build();
  }

  @Test
  void readyEndpointsCountAndUnreadyOnesDoNot() {
    var addresses =
        GatewayEndpoints.fromSlices(
            List.of(
                slice(
                    "IPv4",
                    endpoint("10.1.0.7", true),
                    endpoint("10.1.0.8", false),
                    endpoint("10.1.0.9", null))),
            8080);
    assertThat(addresses.ips()).containsExactly("10.1.0.7", "10.1.0.9");
    assertThat(addresses.port()).isEqualTo(8080);
  }

  @Test
  void severalSlicesMergeIntoOneSortedListWithoutDuplicates() {
    var addresses =
        GatewayEndpoints.fromSlices(
            List.of(
                slice("IPv4", endpoint("10.1.0.9", true), endpoint("10.1.0.2", true)),
                slice("IPv4", endpoint("10.1.0.5", true), endpoint("10.1.0.2", true))),
            8080);
    assertThat(addresses.ips()).containsExactly("10.1.0.2", "10.1.0.5", "10.1.0.9");
  }

  @Test
  void ipv6SlicesOfADualStackServiceAreLeftOutOfTheIpv4Slice() {
    var addresses =
        GatewayEndpoints.fromSlices(
            List.of(
                slice("IPv6", endpoint("fd00::7", true)),
                slice("IPv4", endpoint("10.1.0.7", true))),
            8080);
    assertThat(addresses.ips()).containsExactly("10.1.0.7");
  }

  @Test
  void noReadyGatewayMeansNoEndpoints() {
    assertThat(
            GatewayEndpoints.fromSlices(List.of(slice("IPv4", endpoint("10.1.0.7", false))), 8080)
                .ips())
        .isEmpty();
    assertThat(GatewayEndpoints.fromSlices(List.of(), 8080).ips()).isEmpty();
  }
}
