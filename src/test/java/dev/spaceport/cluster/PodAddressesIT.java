package dev.spaceport.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spaceport.testing.LocalCommand;
import dev.spaceport.testing.TestCluster;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A kubelet never gives two live pods one address; the test world must not either, or a visitor of
 * one Space reaches another's app. Five fresh local clusters, each with 64 pods created at once, 8
 * on every node: every address is unique and inside its node's pod range.
 */
class PodAddressesIT {

  private static final String CLUSTER = "spaceport-addresses";
  private static final int PODS_PER_NODE = 8;

  @Test
  void podsCreatedAtOnceAcrossEveryNodeOfAFreshClusterGetUniqueAddresses() throws Exception {
    Assumptions.assumeTrue(
        System.getenv("KUBECONFIG") == null
            && !"k3s".equals(System.getProperty("test.spaceport.cluster")),
        "about the local control plane's kwok only");
    for (int round = 1; round <= 5; round++) {
      String up = cluster("up");
      Path kubeconfig =
          Path.of(
              up.lines()
                  .filter(l -> l.startsWith("export KUBECONFIG="))
                  .reduce((a, b) -> b)
                  .orElseThrow()
                  .substring("export KUBECONFIG=".length()));
      try (KubernetesClient client =
          new KubernetesClientBuilder()
              .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig)))
              .build()) {
        assertUniqueAddresses(client, round);
      } finally {
        cluster("down");
      }
    }
  }

  private static void assertUniqueAddresses(KubernetesClient client, int round) {
    List<Node> nodes = client.nodes().list().getItems();
    assertThat(nodes).hasSizeGreaterThanOrEqualTo(8);
    // Unique by construction: each node hands out addresses from a range of its own.
    assertThat(nodes)
        .allSatisfy(
            n ->
                assertThat(n.getSpec().getPodCIDR())
                    .as("the pod range of node %s", n.getMetadata().getName())
                    .isNotNull());
    assertThat(nodes.stream().map(n -> n.getSpec().getPodCIDR()).distinct()).hasSize(nodes.size());
    String ns = "addresses-" + round;
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .create();
    List<Pod> pods =
        nodes.stream()
            .flatMap(
                node ->
                    java.util.stream.IntStream.range(0, PODS_PER_NODE)
                        .mapToObj(i -> pod(node.getMetadata().getName() + "-" + i, node)))
            .toList();
    // All at once: the race that gave two pods 127.65.0.1 needs concurrent first allocations.
    pods.parallelStream().forEach(p -> client.pods().inNamespace(ns).resource(p).create());

    List<Pod> placed =
        await("every pod has an address")
            .atMost(Duration.ofSeconds(90))
            .until(
                () -> client.pods().inNamespace(ns).list().getItems(),
                list ->
                    list.size() == pods.size()
                        && list.stream().allMatch(p -> p.getStatus().getPodIP() != null));

    Map<String, List<String>> podsByAddress =
        placed.stream()
            .collect(
                Collectors.groupingBy(
                    p -> p.getStatus().getPodIP(),
                    Collectors.mapping(p -> p.getMetadata().getName(), Collectors.toList())));
    assertThat(podsByAddress.values())
        .as("round %d: pods sharing an address", round)
        .allSatisfy(names -> assertThat(names).hasSize(1));
    Map<String, String> cidrOf =
        nodes.stream()
            .collect(
                Collectors.toMap(n -> n.getMetadata().getName(), n -> n.getSpec().getPodCIDR()));
    for (Pod pod : placed) {
      assertThat(inRange(pod.getStatus().getPodIP(), cidrOf.get(pod.getSpec().getNodeName())))
          .as(
              "round %d: %s at %s in its node's range %s",
              round,
              pod.getMetadata().getName(),
              pod.getStatus().getPodIP(),
              cidrOf.get(pod.getSpec().getNodeName()))
          .isTrue();
    }
  }

  /**
   * Bound to its node, as the scheduler would; the GPU nodes' taint does not keep a bound pod off.
   */
  private static Pod pod(String name, Node node) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withNodeName(node.getMetadata().getName())
        .addNewContainer()
        .withName("app")
        .withImage(ClusterTestPods.IMAGE)
        .endContainer()
        .endSpec()
        .build();
  }

  private static boolean inRange(String ip, String cidr) {
    String[] parts = cidr.split("/");
    int bits = Integer.parseInt(parts[1]);
    BigInteger mask = BigInteger.ONE.shiftLeft(32).subtract(BigInteger.ONE.shiftLeft(32 - bits));
    return number(ip).and(mask).equals(number(parts[0]).and(mask));
  }

  /** An IPv4 literal as a number (no name look-up: the text is an address). */
  private static BigInteger number(String ipv4) {
    try {
      return new BigInteger(1, InetAddress.getByName(ipv4).getAddress());
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(ipv4, e);
    }
  }

  private static String cluster(String command) {
    return LocalCommand.run(
        List.of("env", "SPACEPORT_CLUSTER_NAME=" + CLUSTER, TestCluster.localCluster(), command));
  }
}
