package dev.spaceport.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The k3s backend for cluster tests, for machines with a Docker engine ({@code
 * -Dspaceport.test.cluster=k3s}). The k3s node itself is tainted so test pods never land on it;
 * {@code cluster/local-cluster attach} then runs the kwok controller against k3s with the same
 * stages and creates the same fake GPU nodes, so the same tests hold. It cannot run on the
 * project's CI machines, which have no Docker engine.
 */
final class K3sCluster {

  static final String IMAGE = "rancher/k3s:v1.33.5-k3s1";

  private K3sCluster() {}

  static Path start() {
    K3sContainer k3s =
        new K3sContainer(DockerImageName.parse(IMAGE))
            .withCommand(
                "server",
                "--disable=traefik,metrics-server",
                "--node-taint=spaceport.dev/real-node=true:NoSchedule");
    k3s.start();
    try {
      Path kubeconfig = Files.createTempFile("spaceport-k3s-", ".kubeconfig");
      Files.writeString(kubeconfig, k3s.getKubeConfigYaml());
      LocalCommand.run(List.of(TestCluster.localCluster(), "attach", kubeconfig.toString()));
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    LocalCommand.run(
                        List.of(TestCluster.localCluster(), "detach", kubeconfig.toString()));
                    k3s.stop();
                  }));
      return kubeconfig;
    } catch (IOException e) {
      k3s.stop();
      throw new UncheckedIOException(e);
    }
  }
}
