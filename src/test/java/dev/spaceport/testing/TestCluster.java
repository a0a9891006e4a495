package dev.spaceport.testing;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The Kubernetes cluster that cluster tests (*IT) run against, chosen once per test JVM:
 *
 * <ol>
 *   <li>{@code KUBECONFIG} is set: that cluster;
 *   <li>{@code -Dspaceport.test.cluster=k3s}: a k3s container (needs a Docker engine) with
 *       Spaceport's fake GPU nodes attached, see {@link K3sCluster};
 *   <li>otherwise: the project's local control plane, brought up by {@code cluster/local-cluster
 *       up} and down again when the JVM exits.
 * </ol>
 *
 * The chosen kubeconfig is also published as the {@code kubeconfig} system property, which Fabric8
 * (and so Quarkus) reads, so an operator started in-process finds the same cluster.
 */
public final class TestCluster {

  private static TestCluster instance;

  private final Path kubeconfig;
  private final KubernetesClient client;

  private TestCluster(Path kubeconfig) {
    this.kubeconfig = kubeconfig;
    System.setProperty("kubeconfig", kubeconfig.toString());
    this.client =
        new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(read(kubeconfig))).build();
  }

  public static synchronized TestCluster get() {
    if (instance == null) {
      instance = new TestCluster(startOrFind());
    }
    return instance;
  }

  public KubernetesClient client() {
    return client;
  }

  public Path kubeconfig() {
    return kubeconfig;
  }

  /** Applies the committed CRDs (crds/*.yaml) and waits until the apiserver serves them. */
  public synchronized void installCrds() {
    try (var files = Files.list(repoRoot().resolve("crds"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        try (var in = Files.newInputStream(file)) {
          var crd = client.apiextensions().v1().customResourceDefinitions().load(in).item();
          client.resource(crd).forceConflicts().serverSideApply();
          client
              .apiextensions()
              .v1()
              .customResourceDefinitions()
              .withName(crd.getMetadata().getName())
              .waitUntilCondition(
                  c ->
                      c != null
                          && c.getStatus() != null
                          && c.getStatus().getConditions() != null
                          && c.getStatus().getConditions().stream()
                              .anyMatch(
                                  cond ->
                                      "Established".equals(cond.getType())
                                          && "True".equals(cond.getStatus())),
                  30,
                  java.util.concurrent.TimeUnit.SECONDS);
          // A new CRD's storage answers 429 "(re)initializing" for a moment after Established.
          String group = crd.getSpec().getGroup();
          String version = crd.getSpec().getVersions().get(0).getName();
          String kind = crd.getSpec().getNames().getKind();
          org.awaitility.Awaitility.await()
              .atMost(java.time.Duration.ofSeconds(30))
              .ignoreExceptionsInstanceOf(
                  io.fabric8.kubernetes.client.KubernetesClientException.class)
              .until(
                  () ->
                      client.genericKubernetesResources(group + "/" + version, kind).list()
                          != null);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Applies the flavor catalog, deploy/hardware-flavors.yaml (cpu-basic is the default). */
  public synchronized void installFlavors() {
    try (var in = Files.newInputStream(repoRoot().resolve("deploy/hardware-flavors.yaml"))) {
      client.load(in).forceConflicts().serverSideApply();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The repository root, where {@code cluster/} lives. */
  public static Path repoRoot() {
    return Path.of(System.getProperty("test.spaceport.repo-root", System.getProperty("user.dir")));
  }

  private static Path startOrFind() {
    String fromEnv = System.getenv("KUBECONFIG");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return Path.of(fromEnv.split(java.io.File.pathSeparator)[0]);
    }
    if ("k3s".equals(System.getProperty("test.spaceport.cluster"))) {
      return K3sCluster.start();
    }
    boolean alreadyUp = isUp();
    String exportLine =
        LocalCommand.run(List.of(localCluster(), "up"))
            .lines()
            .filter(line -> line.startsWith("export KUBECONFIG="))
            .reduce((first, last) -> last)
            .orElseThrow(() -> new IllegalStateException("local-cluster up printed no KUBECONFIG"));
    if (!alreadyUp) {
      // Only a cluster these tests started is taken down: a demo or a developer's cluster stays.
      Runtime.getRuntime()
          .addShutdownHook(new Thread(() -> LocalCommand.run(List.of(localCluster(), "down"))));
    }
    return Path.of(exportLine.substring("export KUBECONFIG=".length()));
  }

  private static boolean isUp() {
    try {
      LocalCommand.run(List.of(localCluster(), "status"));
      return true;
    } catch (IllegalStateException notRunning) {
      return false;
    }
  }

  public static String localCluster() {
    return repoRoot().resolve("cluster/local-cluster").toString();
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
