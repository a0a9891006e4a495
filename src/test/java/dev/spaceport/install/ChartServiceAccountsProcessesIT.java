package dev.spaceport.install;

import static dev.spaceport.testing.SpaceWaits.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spaceport.api.Space;
import dev.spaceport.rules.SpaceHosts;
import dev.spaceport.testing.ClusterExtension;
import dev.spaceport.testing.PodApps;
import dev.spaceport.testing.SpaceWaits;
import dev.spaceport.testing.TestCluster;
import dev.spaceport.testing.TestNamespace;
import dev.spaceport.testing.TestSpaces;
import dev.spaceport.testing.Tools;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operator and the gateway run with nothing but the chart's ServiceAccounts, RBAC and
 * configuration: each is the built application (target/quarkus-app) in a process of its own, with a
 * kubeconfig holding its ServiceAccount's token ({@code kubectl create token}) and the chart's
 * rendered application.properties. A Space is reconciled, served, put to sleep and woken, and
 * neither process logs a Forbidden answer. Only the listeners are moved to loopback, and the
 * gateway's addresses are TEST-NET ones (the apiserver refuses loopback in EndpointSlices).
 */
@ExtendWith(ClusterExtension.class)
class ChartServiceAccountsProcessesIT {

  private static final Path REPO = TestCluster.repoRoot();
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  /**
   * What the chart's RBAC is made of, and its configuration; the workloads themselves cannot run
   * here.
   */
  private static final Set<String> APPLIED =
      Set.of(
          "ServiceAccount",
          "ClusterRole",
          "ClusterRoleBinding",
          "Role",
          "RoleBinding",
          "ConfigMap");

  @Test
  void operatorAndGatewayServeSleepAndWakeASpaceUnderTheChartsServiceAccounts(
      KubernetesClient client, TestNamespace ns) throws Exception {
    TestCluster.get().installCrds();
    TestCluster.get().installFlavors();
    String release = "spaceport-sa" + ThreadLocalRandom.current().nextInt(1000, 10000);
    String releaseNs = release;
    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(releaseNs).endMetadata().build())
        .create();
    Path work = Files.createTempDirectory("spaceport-chart-sa-");
    List<Process> processes = new ArrayList<>();
    List<GenericKubernetesResource> clusterScoped = new ArrayList<>();
    try {
      // The test world's readiness delay (below) reaches pods through the chart's own setting.
      List<GenericKubernetesResource> rendered =
          HelmChartIT.render(
                  release,
                  releaseNs,
                  "--set",
                  "config.podAnnotationsFromSpace={pod-ready.stage.kwok.x-k8s.io/delay}")
              .stream()
              .filter(o -> APPLIED.contains(o.getKind()))
              .toList();
      assertThat(rendered)
          .extracting(GenericKubernetesResource::getKind)
          .contains("ServiceAccount", "ClusterRole", "Role");
      for (GenericKubernetesResource object : rendered) {
        client.resource(object).serverSideApply();
        if (object.getMetadata().getNamespace() == null
            && !object.getKind().equals("ServiceAccount")
            && !object.getKind().equals("ConfigMap")) {
          clusterScoped.add(object);
        }
      }
      ConfigMap config =
          client.configMaps().inNamespace(releaseNs).withName(release + "-config").get();
      Path properties = work.resolve("application.properties");
      Files.writeString(properties, config.getData().get("application.properties"));

      int gatewayPort = freePort();
      Path operatorLog = work.resolve("operator.log");
      Path gatewayLog = work.resolve("gateway.log");
      int operatorManagement = freePort();
      processes.add(
          start(
              "operator",
              "operator-a",
              kubeconfig(work, releaseNs, release + "-operator"),
              properties,
              operatorLog,
              List.of("-Dquarkus.management.port=" + operatorManagement)));
      int gatewayManagement = freePort();
      processes.add(
          start(
              "gateway",
              kubeconfig(work, releaseNs, release + "-gateway"),
              properties,
              gatewayLog,
              List.of(
                  "-Dspaceport.gateway.host=127.0.0.1",
                  "-Dspaceport.gateway.port=" + gatewayPort,
                  "-Dquarkus.management.port=" + gatewayManagement,
                  "-Dspaceport.gateway.activity-flush-interval=1s")));

      // The chart's probes: traffic only once each role's process is Ready, as Kubernetes would
      // send
      // it (quarkus-operator-sdk's own readiness check once kept every gateway pod unready).
      for (int management : List.of(operatorManagement, gatewayManagement)) {
        await("ready on :" + management)
            .atMost(WAIT)
            .ignoreExceptions()
            .until(() -> health(management, "ready") == 200);
        assertThat(health(management, "live")).isEqualTo(200);
      }

      try (PodApps apps = new PodApps(client, ns.name())) {
        client.resource(space(ns, "hello")).create();
        SpaceWaits.awaitStage(client, ns, "hello", "RUNNING");
        await("the gateway serves the Space")
            .atMost(WAIT)
            .until(() -> get(gatewayPort, ns, "hello").statusCode() == 200);

        // The real topology, without the test override: each Space's EndpointSlice follows the
        // gateway Service's ready endpoints (here a stand-in slice: no gateway pod runs here) as
        // they scale up, turn unready and scale down.
        String gatewayService = release + "-gateway";
        client
            .resource(gatewaySlice(releaseNs, gatewayService, Map.of("192.0.2.21", true)))
            .create();
        awaitSpaceEndpoints(client, ns, "hello", List.of("192.0.2.21"));
        client
            .resource(
                gatewaySlice(
                    releaseNs, gatewayService, Map.of("192.0.2.21", true, "192.0.2.22", true)))
            .update();
        awaitSpaceEndpoints(client, ns, "hello", List.of("192.0.2.21", "192.0.2.22"));
        client
            .resource(
                gatewaySlice(
                    releaseNs, gatewayService, Map.of("192.0.2.21", false, "192.0.2.22", true)))
            .update();
        awaitSpaceEndpoints(client, ns, "hello", List.of("192.0.2.22"));
        client.resource(gatewaySlice(releaseNs, gatewayService, Map.of())).update();
        awaitSpaceEndpoints(client, ns, "hello", List.of());

        // The chart turns on the per-Space NetworkPolicy and leader election: both done under its
        // RBAC.
        NetworkPolicy policy =
            client.network().v1().networkPolicies().inNamespace(ns.name()).withName("hello").get();
        assertThat(policy).isNotNull();
        assertThat(
                policy
                    .getSpec()
                    .getIngress()
                    .get(0)
                    .getFrom()
                    .get(0)
                    .getNamespaceSelector()
                    .getMatchLabels())
            .containsEntry("kubernetes.io/metadata.name", releaseNs);
        Lease lease = client.leases().inNamespace(releaseNs).withName(release + "-operator").get();
        assertThat(lease).isNotNull();
        assertThat(lease.getSpec().getHolderIdentity()).isNotBlank();

        // Sleep (the operator) and wake (the gateway asks; the operator starts the pod again).
        SpaceWaits.editSpace(
            client,
            ns,
            "hello",
            s -> {
              s.getSpec().setSleepTime("3s");
              return s;
            });
        SpaceWaits.awaitAsleep(client, ns, "hello");

        HttpResponse<String> woken = get(gatewayPort, ns, "hello");

        assertThat(woken.statusCode()).isEqualTo(200);
        await("lastWake recorded")
            .atMost(WAIT)
            .until(() -> SpaceWaits.space(client, ns, "hello").getStatus().getLastWake() != null);
      }
      for (Path log : List.of(operatorLog, gatewayLog)) {
        // An RBAC denial names the ServiceAccount; other 403s (a namespace of another test being
        // deleted: NamespaceTerminating) are not this test's business.
        assertThat(Files.readString(log))
            .as(log.getFileName().toString())
            .doesNotContain("forbidden: User \"system:serviceaccount:")
            .contains("Installed features");
      }
      // Two operator replicas, as the chart's replicas: 2 gives: one leads, the other waits on the
      // Lease and writes nothing; killed (SIGKILL, no Lease release), the leader is replaced within
      // the Lease's duration and Spaces are reconciled again.
      Lease lease = client.leases().inNamespace(releaseNs).withName(release + "-operator").get();
      assertThat(lease.getSpec().getHolderIdentity()).startsWith("operator-");
      Path standbyLog = work.resolve("operator-standby.log");
      int standbyManagement = freePort();
      Process standby =
          start(
              "operator",
              "standby",
              kubeconfig(work, releaseNs, release + "-operator"),
              properties,
              standbyLog,
              List.of("-Dquarkus.management.port=" + standbyManagement));
      processes.add(standby);
      await("the standby is up")
          .atMost(WAIT)
          .ignoreExceptions()
          .until(() -> health(standbyManagement, "live") == 200);
      client.resource(space(ns, "while-standby")).create();
      SpaceWaits.awaitStage(client, ns, "while-standby", "RUNNING");
      assertThat(reconciles(operatorManagement)).as("the leader's reconciles").isPositive();
      assertThat(reconciles(standbyManagement)).as("a follower reconciles nothing").isZero();
      Process leader = processes.get(0);
      leader.destroyForcibly();
      long killed = System.nanoTime();
      await("the standby leads")
          .atMost(WAIT)
          .until(
              () ->
                  client
                      .leases()
                      .inNamespace(releaseNs)
                      .withName(release + "-operator")
                      .get()
                      .getSpec()
                      .getHolderIdentity()
                      .startsWith("standby-"));
      long takeoverMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
      int leaseSeconds = lease.getSpec().getLeaseDurationSeconds();
      assertThat(takeoverMillis).isLessThan((leaseSeconds + 10) * 1000L);
      System.out.printf(
          "leader killed: standby took the Lease in %d ms (lease %d s)%n",
          takeoverMillis, leaseSeconds);
      client.resource(space(ns, "after-failover")).create();
      SpaceWaits.awaitStage(client, ns, "after-failover", "RUNNING");
      assertThat(reconciles(standbyManagement)).as("the new leader's reconciles").isPositive();

      // SIGTERM while the gateway holds requests for a Space that is still starting: each gets
      // 503 with Retry-After before the process exits, none a reset connection.
      Space stuck =
          TestSpaces.annotated(
              TestSpaces.gradio(ns.name(), "stuck", null),
              Map.of("pod-ready.stage.kwok.x-k8s.io/delay", "1h"));
      client.resource(stuck).create();
      SpaceWaits.awaitStage(client, ns, "stuck", "APP_STARTING");
      await("the gateway knows the Space")
          .atMost(WAIT)
          .until(() -> get(gatewayPort, ns, "stuck", "/.spaceport/status").statusCode() == 200);
      List<CompletableFuture<HttpResponse<String>>> held =
          IntStream.range(0, 50)
              .mapToObj(
                  i ->
                      HTTP.sendAsync(
                          request(gatewayPort, ns, "stuck", "/r/" + i).GET().build(),
                          HttpResponse.BodyHandlers.ofString()))
              .toList();
      String heldGauge = "spaceport_gateway_held_requests{space=\"" + ns.name() + "/stuck\"} 50.0";
      await("50 requests held")
          .atMost(WAIT)
          .until(() -> metrics(gatewayManagement).contains(heldGauge));
      Process gatewayProcess = processes.get(1);
      gatewayProcess.destroy();
      CompletableFuture.allOf(held.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
      assertThat(held)
          .allSatisfy(
              r -> {
                assertThat(r.join().statusCode()).isEqualTo(503);
                assertThat(r.join().headers().firstValue("Retry-After")).isPresent();
              });
      assertThat(gatewayProcess.waitFor(30, TimeUnit.SECONDS))
          .as("gateway exits on SIGTERM")
          .isTrue();

      // SIGTERM, as a pod's stop: both exit (with leader election, JOSDK's own exit on losing the
      // Lease once deadlocked the operator's shutdown).
      for (Process process : processes) {
        process.destroy();
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("exits on SIGTERM").isTrue();
      }
    } finally {
      for (Process process : processes) {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      }
      clusterScoped.forEach(o -> client.resource(o).delete());
      client.namespaces().withName(releaseNs).delete();
      // The kubeconfigs hold the ServiceAccounts' tokens.
      try (var files = Files.walk(work)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  private static Space space(TestNamespace ns, String name) {
    Space space = PodApps.readyAfterListening(TestSpaces.gradio(ns.name(), name, null));
    space.getSpec().setSleepTime("never");
    return space;
  }

  /** A stand-in for the EndpointSlice Kubernetes keeps for the gateway's Service. */
  private static EndpointSlice gatewaySlice(
      String namespace, String service, Map<String, Boolean> readyByAddress) {
    return new EndpointSliceBuilder()
        .withNewMetadata()
        .withName(service + "-standin")
        .withNamespace(namespace)
        .addToLabels("kubernetes.io/service-name", service)
        .addToLabels("endpointslice.kubernetes.io/managed-by", "spaceport-test")
        .endMetadata()
        .withAddressType("IPv4")
        .withEndpoints(
            readyByAddress.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(
                    e ->
                        new EndpointBuilder()
                            .withAddresses(e.getKey())
                            .withNewConditions()
                            .withReady(e.getValue())
                            .endConditions()
                            .build())
                .toList())
        .addNewPort()
        .withName("http")
        .withPort(8080)
        .withProtocol("TCP")
        .endPort()
        .build();
  }

  /** The Space's EndpointSlice holds exactly these addresses within seconds. */
  private static void awaitSpaceEndpoints(
      KubernetesClient client, TestNamespace ns, String space, List<String> expected) {
    await("EndpointSlice of " + space + " = " + expected)
        .atMost(Duration.ofSeconds(15))
        .until(
            () -> {
              EndpointSlice slice =
                  client
                      .discovery()
                      .v1()
                      .endpointSlices()
                      .inNamespace(ns.name())
                      .withName(space + "-gateway")
                      .get();
              List<String> addresses =
                  slice == null || slice.getEndpoints() == null
                      ? List.of()
                      : slice.getEndpoints().stream()
                          .flatMap(e -> e.getAddresses().stream())
                          .toList();
              return slice != null && addresses.equals(expected);
            });
  }

  private static HttpResponse<String> get(int port, TestNamespace ns, String name)
      throws Exception {
    return get(port, ns, name, "/");
  }

  private static HttpResponse<String> get(int port, TestNamespace ns, String name, String path)
      throws Exception {
    return HTTP.send(
        request(port, ns, name, path).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest.Builder request(int port, TestNamespace ns, String name, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Host", SpaceHosts.label(ns.name(), name) + ".spaces.localhost")
        .timeout(Duration.ofSeconds(60));
  }

  /** Reconciles a process has started, from JOSDK's meters. */
  private static double reconciles(int port) throws Exception {
    return metrics(port)
        .lines()
        .filter(l -> l.startsWith("operator_sdk_reconciliations_started_total"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  private static String metrics(int port) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/metrics"))
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private static int health(int port, String probe) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/" + probe))
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  /**
   * A kubeconfig that is the ServiceAccount and nothing more: the cluster's address and CA, and a
   * token.
   */
  private static Path kubeconfig(Path work, String namespace, String serviceAccount)
      throws IOException {
    String token =
        Tools.kubectl(null, "create", "token", serviceAccount, "-n", namespace, "--duration=1h")
            .ok()
            .trim();
    String server =
        Tools.kubectl(
                null, "config", "view", "--minify", "-o", "jsonpath={.clusters[0].cluster.server}")
            .ok();
    String ca =
        Tools.kubectl(
                null,
                "config",
                "view",
                "--minify",
                "--raw",
                "-o",
                "jsonpath={.clusters[0].cluster.certificate-authority}")
            .ok();
    Path file = work.resolve(serviceAccount + ".kubeconfig");
    Files.writeString(
        file,
        """
                apiVersion: v1
                kind: Config
                clusters:
                - name: local
                  cluster: {server: "%s", certificate-authority: "%s"}
                users:
                - name: %s
                  user: {token: "%s"}
                contexts:
                - name: sa
                  context: {cluster: local, user: %s, namespace: %s}
                current-context: sa
                """
            .formatted(server, ca, serviceAccount, token, serviceAccount, namespace));
    return file;
  }

  /**
   * The built application in one role, as the chart's Deployment runs it (its env), listeners on
   * loopback.
   */
  private static Process start(
      String role, Path kubeconfig, Path properties, Path log, List<String> extra)
      throws IOException {
    return start(role, role, kubeconfig, properties, log, extra);
  }

  /** As a pod named {@code hostname} (the operator's Lease identity starts with it). */
  private static Process start(
      String role, String hostname, Path kubeconfig, Path properties, Path log, List<String> extra)
      throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                // Quarkus's HTTP server is the hub role's; health is on the management port.
                "-Dquarkus.http.host-enabled=false",
                "-Dquarkus.management.host=127.0.0.1"));
    command.addAll(extra);
    command.addAll(List.of("-jar", REPO.resolve("target/quarkus-app/quarkus-run.jar").toString()));
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> env = builder.environment();
    env.put("KUBECONFIG", kubeconfig.toString());
    env.put("QUARKUS_CONFIG_LOCATIONS", properties.toString());
    env.put("SPACEPORT_ROLES", role);
    env.put("HOSTNAME", hostname);
    return builder.start();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
