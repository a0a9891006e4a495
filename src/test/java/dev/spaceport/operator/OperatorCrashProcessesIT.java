package dev.spaceport.operator;

import static dev.spaceport.testing.SpaceWaits.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spaceport.api.Space;
import dev.spaceport.testing.ClusterExtension;
import dev.spaceport.testing.TestCluster;
import dev.spaceport.testing.TestNamespace;
import dev.spaceport.testing.TestSpaces;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operator killed with SIGKILL while it reconciles 200 Spaces, then started again: it converges
 * to exactly one Deployment, Service, Ingress and EndpointSlice per Space, each owned by its Space,
 * and nothing else. The operator is the built application in a process of its own.
 */
@ExtendWith(ClusterExtension.class)
class OperatorCrashProcessesIT {

  private static final int SPACES = 200;

  @Test
  void operatorKilledMidReconcileConvergesWithNoDuplicateAndNoOrphan(
      KubernetesClient client, TestNamespace ns) throws Exception {
    TestCluster.get().installCrds();
    TestCluster.get().installFlavors();
    IntStream.range(0, SPACES)
        .parallel()
        .forEach(i -> client.resource(TestSpaces.gradio(ns.name(), "s" + i, "cpu-basic")).create());
    Path log = Files.createTempFile("spaceport-crash-", ".log");
    Process first = startOperator(log);
    Process second = null;
    try {
      await("the operator is mid-way")
          .atMost(WAIT)
          .until(() -> reconciled(client, ns) >= SPACES / 10);
      first.destroyForcibly();
      assertThat(first.waitFor(20, TimeUnit.SECONDS)).isTrue();
      int atKill = reconciled(client, ns);
      long restarted = System.nanoTime();
      second = startOperator(log);
      await("every Space reconciled after the restart")
          .atMost(WAIT.multipliedBy(2))
          .until(() -> reconciled(client, ns) == SPACES);
      long convergeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restarted);
      System.out.printf(
          "SIGKILL with %d of %d Spaces reconciled; all %d after the restart in %d ms%n",
          atKill, SPACES, SPACES, convergeMillis);
      assertThat(atKill).isLessThan(SPACES);

      Map<String, String> spaceUids =
          client.resources(Space.class).inNamespace(ns.name()).list().getItems().stream()
              .collect(
                  Collectors.toMap(s -> s.getMetadata().getName(), s -> s.getMetadata().getUid()));
      Set<String> names = spaceUids.keySet();
      await("every owned object exists once")
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                assertOwnedOnce(
                    client.apps().deployments().inNamespace(ns.name()).list().getItems(),
                    names,
                    spaceUids,
                    "");
                assertOwnedOnce(
                    client.services().inNamespace(ns.name()).list().getItems(),
                    names,
                    spaceUids,
                    "");
                assertOwnedOnce(
                    client.network().v1().ingresses().inNamespace(ns.name()).list().getItems(),
                    names,
                    spaceUids,
                    "");
                assertOwnedOnce(
                    client
                        .discovery()
                        .v1()
                        .endpointSlices()
                        .inNamespace(ns.name())
                        .list()
                        .getItems(),
                    names,
                    spaceUids,
                    "-gateway");
              });
    } finally {
      first.destroyForcibly();
      if (second != null) {
        second.destroy();
        if (!second.waitFor(20, TimeUnit.SECONDS)) {
          second.destroyForcibly();
        }
      }
      Files.deleteIfExists(log);
    }
  }

  /** One object per Space, named for it, owned by it; none for anything else. */
  private static void assertOwnedOnce(
      List<? extends HasMetadata> objects,
      Set<String> spaces,
      Map<String, String> uids,
      String suffix) {
    assertThat(objects.stream().map(o -> o.getMetadata().getName()))
        .containsExactlyInAnyOrderElementsOf(spaces.stream().map(s -> s + suffix).toList());
    assertThat(objects)
        .allSatisfy(
            o -> {
              String space =
                  o.getMetadata()
                      .getName()
                      .substring(0, o.getMetadata().getName().length() - suffix.length());
              assertThat(o.getMetadata().getOwnerReferences())
                  .singleElement()
                  .satisfies(owner -> assertThat(owner.getUid()).isEqualTo(uids.get(space)));
            });
  }

  private static int reconciled(KubernetesClient client, TestNamespace ns) {
    return (int)
        client.resources(Space.class).inNamespace(ns.name()).list().getItems().stream()
            .filter(
                s ->
                    s.getStatus() != null
                        && s.getMetadata()
                            .getGeneration()
                            .equals(s.getStatus().getObservedGeneration()))
            .count();
  }

  private static Process startOperator(Path log) throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m",
                "-Dquarkus.http.host-enabled=false",
                "-Dquarkus.management.host=127.0.0.1",
                "-Dquarkus.management.port=" + freePort(),
                "-Dspaceport.gateway.endpoints=192.0.2.10",
                "-jar",
                TestCluster.repoRoot().resolve("target/quarkus-app/quarkus-run.jar").toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().put("KUBECONFIG", TestCluster.get().kubeconfig().toString());
    builder.environment().put("SPACEPORT_ROLES", "operator");
    return builder.start();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
