package dev.spaceport.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.net.SocketAddress;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ForwardedHeadersTest {

  private static final ForwardedHeaders CHART_DEFAULT =
      new ForwardedHeaders(
          List.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7"));

  @ParameterizedTest(name = "{0} trusted: {1}")
  @CsvSource({
    "10.42.3.7, true",
    "172.20.0.5, true",
    "172.32.0.5, false",
    "192.168.1.10, true",
    "100.64.12.1, true",
    "fd12:3456::1, true",
    "203.0.113.9, false",
    "127.0.0.1, false",
    "2001:db8::1, false",
  })
  void onlyPeersInsideTheTrustedRangesAreBelieved(String peer, boolean trusted) {
    assertThat(CHART_DEFAULT.trusted(SocketAddress.inetSocketAddress(443, peer)))
        .isEqualTo(trusted);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"10.0.0.1", "127.0.0.1", "::1"})
  void withNoTrustedProxiesNoPeerIsBelieved(String peer) {
    assertThat(new ForwardedHeaders(List.of()).trusted(SocketAddress.inetSocketAddress(80, peer)))
        .isFalse();
  }
}
