package dev.spaceport.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spaceport.api.HardwareFlavor;
import dev.spaceport.testing.ClusterExtension;
import dev.spaceport.testing.LocalCommand.Result;
import dev.spaceport.testing.SpaceWaits;
import dev.spaceport.testing.TestCluster;
import dev.spaceport.testing.TestNamespace;
import dev.spaceport.testing.Tools;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Helm chart (helm/spaceport) and the manifests rendered from it (deploy/spaceport.yaml), with
 * the real helm and the real apiserver: lint, schema, every object accepted, drift against crds/
 * and the flavor catalog, restricted Pod Security, no wildcard permissions, and the README's
 * permission table equal to what {@code kubectl auth can-i --list} grants each ServiceAccount after
 * a real apply.
 *
 * <p>The ServiceMonitor needs Prometheus Operator's CRD, which the local cluster does not have; it
 * is checked by lint and by rendering only ({@link #lintPassesWithEveryOptionOn}).
 */
@ExtendWith(ClusterExtension.class)
class HelmChartIT {

  private static final Path REPO = TestCluster.repoRoot();
  private static final String CHART = "helm/spaceport";

  /**
   * Options that change what is rendered, all on at once (ServiceMonitor excepted, see the class
   * comment).
   */
  private static final String[] OPTIONS = {
    "--set",
    "operator.replicas=2",
    "--set",
    "gateway.autoscaling.enabled=false",
    "--set",
    "ingress.controller=traefik",
    "--set",
    "config.scheme=https",
    "--set",
    "ingress.tlsSecret=wildcard-tls",
    "--set",
    "ingress.className=traefik",
    "--set",
    "config.publicPort=8443",
    "--set",
    "crds.keep=false",
    "--set",
    "config.podAnnotationsFromSpace={a.example/x,b.example/y}",
    "--set",
    "hub.replicas=2",
    "--set",
    "hub.persistence.accessModes={ReadWriteMany}",
    "--set",
    "hub.persistence.storageClass=-",
    "--set",
    "hub.ingress.tlsSecret=hub-tls"
  };

  @BeforeAll
  static void installCrds() {
    TestCluster.get().installCrds();
  }

  @Test
  void lintPassesStrictly() {
    assertThat(Tools.helm("lint", "--strict", CHART).ok()).contains("0 chart(s) failed");
  }

  @Test
  void lintPassesWithEveryOptionOn() {
    List<String> args =
        new ArrayList<>(List.of("lint", "--strict", CHART, "--set", "serviceMonitor.enabled=true"));
    args.addAll(List.of(OPTIONS));
    assertThat(Tools.helm(args.toArray(String[]::new)).ok()).contains("0 chart(s) failed");

    List<GenericKubernetesResource> monitors =
        render("spaceport", "spaceport", "--set", "serviceMonitor.enabled=true").stream()
            .filter(o -> o.getKind().equals("ServiceMonitor"))
            .toList();
    // Each ServiceMonitor names a port that its component's Service has.
    assertThat(monitors)
        .hasSize(3)
        .allSatisfy(
            m -> assertThat(m.<String>get("spec", "endpoints", 0, "port")).isEqualTo("metrics"));
  }

  @Test
  void schemaRefusesAWrongValueNamingIt() {
    Result refused = Tools.helm("template", "spaceport", CHART, "--set", "gateway.replicas=two");

    assertThat(refused.exit()).isNotZero();
    assertThat(refused.err()).contains("/gateway/replicas").contains("got string, want integer");
    assertThat(Tools.helm("template", "spaceport", CHART, "--set", "operator.replicas=3").err())
        .contains("/operator/replicas");
    assertThat(Tools.helm("template", "spaceport", CHART, "--set", "config.scheme=ftp").err())
        .contains("/config/scheme");
    assertThat(Tools.helm("template", "spaceport", CHART, "--set", "hub.maxCommitSize=100MB").err())
        .contains("/hub/maxCommitSize");
    assertThat(
            Tools.helm(
                    "template",
                    "spaceport",
                    CHART,
                    "--set",
                    "hub.persistence.accessModes={ReadOnlyMany}")
                .err())
        .contains("/hub/persistence/accessModes/0");
  }

  @Test
  void everyRenderedObjectIsAcceptedByTheApiserver(TestNamespace ns) {
    for (String[] options : List.of(new String[0], OPTIONS)) {
      String manifests = template("spaceport", ns.name(), options);
      long objects = documents(manifests).size();

      Result applied =
          Tools.kubectl(
              manifests,
              "apply",
              "--server-side",
              "--force-conflicts",
              "--dry-run=server",
              "--field-manager=helm-chart-it",
              "-f",
              "-");

      assertThat(applied.exit()).as("kubectl apply --dry-run=server:\n%s", applied.err()).isZero();
      assertThat(applied.out().lines().filter(l -> l.endsWith("(server dry run)")).count())
          .as(
              "objects accepted, of %d rendered with %s:\n%s",
              objects, List.of(options), applied.out())
          .isEqualTo(objects);
    }
  }

  @Test
  void deployManifestsAreTheChartRenderedWithDefaults() throws IOException {
    String committed = Files.readString(REPO.resolve("deploy/spaceport.yaml"));
    // The file starts with a comment saying how it was made; the rest is helm's output, byte for
    // byte.
    String body =
        committed
            .lines()
            .dropWhile(l -> l.startsWith("#"))
            .collect(Collectors.joining("\n", "", "\n"));

    assertThat(body)
        .as(
            "deploy/spaceport.yaml vs `helm template spaceport helm/spaceport --namespace spaceport`;"
                + " run `make manifests`")
        .isEqualTo(template("spaceport", "spaceport"));
  }

  @Test
  void chartCrdsAreTheGeneratedOnes() throws IOException {
    Path chartCrds = REPO.resolve(CHART).resolve("files/crds");
    List<Path> generated;
    try (Stream<Path> files = Files.list(REPO.resolve("crds"))) {
      generated = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    }
    try (Stream<Path> files = Files.list(chartCrds)) {
      assertThat(files.map(f -> f.getFileName().toString()).sorted().toList())
          .as("CRD files in the chart")
          .isEqualTo(generated.stream().map(f -> f.getFileName().toString()).toList());
    }
    for (Path crd : generated) {
      assertThat(Files.readString(chartCrds.resolve(crd.getFileName())))
          .as("%s in the chart; run `make manifests`", crd.getFileName())
          .isEqualTo(Files.readString(crd));
    }

    // Rendered: the same objects plus the chart's labels, and the keep policy only with crds.keep.
    List<GenericKubernetesResource> kept = crds(render("spaceport", "spaceport"));
    assertThat(kept)
        .hasSize(generated.size())
        .allSatisfy(
            c ->
                assertThat(c.getMetadata().getAnnotations())
                    .containsEntry("helm.sh/resource-policy", "keep"));
    for (GenericKubernetesResource crd : kept) {
      GenericKubernetesResource file =
          parse(Files.readString(REPO.resolve("crds/" + crd.getMetadata().getName() + ".yaml")));
      assertThat(crd.getAdditionalProperties())
          .as("spec of %s", crd.getMetadata().getName())
          .isEqualTo(file.getAdditionalProperties());
    }
    assertThat(crds(render("spaceport", "spaceport", "--set", "crds.keep=false")))
        .allSatisfy(c -> assertThat(c.getMetadata().getAnnotations()).isNullOrEmpty());
    assertThat(crds(render("spaceport", "spaceport", "--set", "crds.install=false"))).isEmpty();
  }

  @Test
  void defaultFlavorsAreTheCatalog() throws IOException {
    List<GenericKubernetesResource> catalog =
        Arrays.stream(
                Files.readString(REPO.resolve("deploy/hardware-flavors.yaml"))
                    .split("(?m)^---\\s*$"))
            .filter(HelmChartIT::hasContent)
            .map(HelmChartIT::parse)
            .toList();
    List<GenericKubernetesResource> rendered =
        render("spaceport", "spaceport").stream()
            .filter(o -> o.getKind().equals("HardwareFlavor"))
            .toList();

    // Name and spec of each, in order; maps compare by content (helm sorts keys), values by type
    // too ("2" is no 2).
    assertThat(rendered)
        .extracting(f -> List.of(f.getMetadata().getName(), f.getAdditionalProperties()))
        .as("HardwareFlavors of the chart's defaults vs deploy/hardware-flavors.yaml")
        .containsExactlyElementsOf(
            catalog.stream()
                .map(f -> List.of(f.getMetadata().getName(), f.getAdditionalProperties()))
                .toList());
    assertThat(rendered)
        .extracting(f -> f.getApiVersion() + " " + f.getKind())
        .containsOnly(catalog.get(0).getApiVersion() + " " + catalog.get(0).getKind());
  }

  @Test
  void noRoleGrantsAWildcard() {
    for (String[] options : List.of(new String[0], OPTIONS)) {
      List<GenericKubernetesResource> roles =
          render("spaceport", "spaceport", options).stream()
              .filter(o -> o.getKind().equals("ClusterRole") || o.getKind().equals("Role"))
              .toList();
      // operator, its leader election, gateway, its session key, hub, spaces-view, spaces-edit
      assertThat(roles).hasSize(7);
      for (GenericKubernetesResource role : roles) {
        List<Map<String, List<String>>> rules = role.get("rules");
        assertThat(rules)
            .as("rules of %s", role.getMetadata().getName())
            .isNotEmpty()
            .allSatisfy(
                rule ->
                    assertThat(rule.values().stream().flatMap(List::stream)).doesNotContain("*"));
      }
    }
  }

  /**
   * The apiserver's PodSecurity admission only warns about a Deployment's template, but refuses a
   * pod (dry runs included): each Deployment's pod is created, as a dry run, in a namespace
   * enforcing restricted. The same pod without its security contexts is refused there, so the check
   * bites.
   */
  @Test
  void podsMeetTheRestrictedPodSecurityStandard(KubernetesClient client, TestNamespace ns) {
    client
        .namespaces()
        .withName(ns.name())
        .edit(
            n ->
                new NamespaceBuilder(n)
                    .editMetadata()
                    .addToLabels("pod-security.kubernetes.io/enforce", "restricted")
                    .endMetadata()
                    .build());
    // Defaults (uid 1001), and ids left to the platform as on OpenShift.
    List<GenericKubernetesResource> deployments =
        Stream.concat(
                render("spaceport", ns.name()).stream(),
                render(
                    "spaceport",
                    ns.name(),
                    "--set-json",
                    "podSecurity={\"runAsUser\":null,\"runAsGroup\":null,\"fsGroup\":null}")
                    .stream())
            .filter(o -> o.getKind().equals("Deployment"))
            .toList();
    assertThat(deployments).hasSize(6);

    for (GenericKubernetesResource rendered : deployments) {
      Deployment deployment =
          client.getKubernetesSerialization().convertValue(rendered, Deployment.class);
      Pod pod =
          new PodBuilder()
              .withMetadata(deployment.getSpec().getTemplate().getMetadata())
              .editMetadata()
              .withName(deployment.getMetadata().getName())
              .withNamespace(ns.name())
              .endMetadata()
              .withSpec(deployment.getSpec().getTemplate().getSpec())
              .build();
      // The ServiceAccount does not exist in this namespace; PodSecurity is what is checked here.
      pod.getSpec().setServiceAccountName(null);

      client.pods().inNamespace(ns.name()).resource(pod).dryRun().create();

      Pod unconfined =
          new PodBuilder(pod)
              .editSpec()
              .withSecurityContext(null)
              .editFirstContainer()
              .withSecurityContext(null)
              .endContainer()
              .endSpec()
              .build();
      KubernetesClientException refused =
          Assertions.catchThrowableOfType(
              KubernetesClientException.class,
              () -> client.pods().inNamespace(ns.name()).resource(unconfined).dryRun().create());
      assertThat(refused)
          .as("a pod without security contexts in a restricted namespace")
          .isNotNull();
      assertThat(refused.getMessage()).contains("violates PodSecurity \"restricted:");
    }
  }

  @Test
  void podLabelsExtraEnvAndPlatformAssignedIdsReachEveryPod(KubernetesClient client) {
    List<Deployment> deployments =
        render(
                "spaceport",
                "spaceport",
                "--set",
                "podLabels.team=vision",
                "--set-json",
                "extraEnv=[{\"name\":\"NO_PROXY\",\"value\":\".svc\"}]",
                "--set-json",
                "podSecurity={\"runAsUser\":null,\"runAsGroup\":null,\"fsGroup\":null}")
            .stream()
            .filter(o -> o.getKind().equals("Deployment"))
            .map(o -> client.getKubernetesSerialization().convertValue(o, Deployment.class))
            .toList();

    assertThat(deployments)
        .hasSize(3)
        .allSatisfy(
            d -> {
              var pod = d.getSpec().getTemplate();
              assertThat(pod.getMetadata().getLabels()).containsEntry("team", "vision");
              assertThat(pod.getSpec().getContainers().get(0).getEnv())
                  .anySatisfy(
                      e -> {
                        assertThat(e.getName()).isEqualTo("NO_PROXY");
                        assertThat(e.getValue()).isEqualTo(".svc");
                      });
              assertThat(pod.getSpec().getSecurityContext().getRunAsUser()).isNull();
              assertThat(pod.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
              assertThat(pod.getSpec().getContainers().get(0).getSecurityContext().getRunAsUser())
                  .isNull();
            });
  }

  @Test
  void renderedConfigurationCarriesTheIngressPresetAndTheGatewaySettings() {
    String nginx =
        properties(
            render(
                "spaceport",
                "spaceport",
                "--set",
                "ingress.annotations.nginx\\.ingress\\.kubernetes\\.io/proxy-body-size=8m"));
    assertThat(nginx)
        .contains(
            "spaceport.ingress.annotations.\"nginx.ingress.kubernetes.io/proxy-buffering\"=off\n",
            "spaceport.ingress.annotations.\"nginx.ingress.kubernetes.io/proxy-request-buffering\"=off\n",
            "spaceport.ingress.annotations.\"nginx.ingress.kubernetes.io/proxy-read-timeout\"=3600\n",
            "spaceport.ingress.annotations.\"nginx.ingress.kubernetes.io/proxy-send-timeout\"=3600\n",
            // A user's annotation wins over the preset's.
            "spaceport.ingress.annotations.\"nginx.ingress.kubernetes.io/proxy-body-size\"=8m\n",
            "spaceport.gateway.host=0.0.0.0\n",
            "spaceport.gateway.service=spaceport/spaceport-gateway\n",
            "spaceport.leader-election.enabled=true\n",
            "spaceport.leader-election.lease-name=spaceport-operator\n",
            "spaceport.leader-election.lease-namespace=spaceport\n",
            "spaceport.network-policy.gateway-namespace=spaceport\n",
            "spaceport.network-policy.gateway-pod-labels.\"app.kubernetes.io/component\"=gateway\n",
            "spaceport.hub.port=8090\n",
            "spaceport.hub.public-url=http://hub.spaces.localhost\n",
            "spaceport.hub.clone-url=http://spaceport-hub.spaceport.svc:8090\n",
            "spaceport.hub.repositories=/var/lib/spaceport/repositories\n",
            "spaceport.hub.max-commit-size=100M\n",
            "spaceport.hub.token-audience=spaceport-hub\n");

    String traefik = properties(render("spaceport", "spaceport", OPTIONS));
    assertThat(traefik)
        .contains(
            "spaceport.ingress.annotations.\"traefik.ingress.kubernetes.io/router.tls\"=true\n",
            "spaceport.scheme=https\n",
            "spaceport.public-port=8443\n",
            "spaceport.ingress.tls-secret=wildcard-tls\n",
            "spaceport.ingress.class-name=traefik\n",
            "spaceport.pod-annotations-from-space=a.example/x,b.example/y\n",
            // The hub's public URL is built as the Spaces' URLs are.
            "spaceport.hub.public-url=https://hub.spaces.localhost:8443\n")
        .doesNotContain("nginx");

    assertThat(
            properties(
                render(
                    "spaceport",
                    "spaceport",
                    "--set",
                    "hub.publicUrl=https://hf.example.com/",
                    "--set",
                    "hub.maxCommitSize=1G")))
        .contains("spaceport.hub.public-url=https://hf.example.com\n")
        .contains("spaceport.hub.max-commit-size=1G\n");
    assertThat(properties(render("spaceport", "spaceport", "--set", "hub.enabled=false")))
        .doesNotContain("spaceport.hub.");
  }

  /**
   * The hub: the same image in role hub, its API on 8090 and management on 8081, the repositories'
   * claim mounted where spaceport.hub.repositories says, its Service, metrics Service and Ingress.
   */
  @Test
  void hubRendersItsDeploymentClaimServicesAndIngress(KubernetesClient client) {
    List<GenericKubernetesResource> objects = render("spaceport", "spaceport");

    Deployment hub = deployment(client, objects, "spaceport-hub");
    var pod = hub.getSpec().getTemplate().getSpec();
    var container = pod.getContainers().get(0);
    assertThat(container.getEnv())
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("SPACEPORT_ROLES");
              assertThat(e.getValue()).isEqualTo("hub");
            });
    assertThat(container.getPorts())
        .extracting(p -> p.getName() + "=" + p.getContainerPort())
        .containsExactly("http=8090", "management=8081");
    assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
    assertThat(container.getReadinessProbe().getHttpGet().getPort().getStrVal())
        .isEqualTo("management");
    assertThat(container.getVolumeMounts())
        .anySatisfy(
            m -> {
              assertThat(m.getName()).isEqualTo("repositories");
              assertThat(m.getMountPath()).isEqualTo("/var/lib/spaceport/repositories");
            });
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getName().equals("repositories"))
        .singleElement()
        .satisfies(
            v ->
                assertThat(v.getPersistentVolumeClaim().getClaimName())
                    .isEqualTo("spaceport-hub-repositories"));
    assertThat(pod.getServiceAccountName()).isEqualTo("spaceport-hub");

    GenericKubernetesResource claim =
        object(objects, "PersistentVolumeClaim", "spaceport-hub-repositories");
    assertThat(claim.<List<String>>get("spec", "accessModes")).containsExactly("ReadWriteOnce");
    assertThat(claim.<String>get("spec", "resources", "requests", "storage")).isEqualTo("10Gi");
    assertThat(claim.getMetadata().getAnnotations())
        .containsEntry("helm.sh/resource-policy", "keep");
    assertThat(claim.getAdditionalProperties().get("spec").toString())
        .doesNotContain("storageClassName");

    assertThat(object(objects, "Service", "spaceport-hub").<Integer>get("spec", "ports", 0, "port"))
        .isEqualTo(8090);
    assertThat(
            object(objects, "Service", "spaceport-hub-metrics")
                .<String>get("spec", "ports", 0, "targetPort"))
        .isEqualTo("management");
    assertThat(object(objects, "ServiceAccount", "spaceport-hub")).isNotNull();
    assertThat(object(objects, "NetworkPolicy", "spaceport-hub")).isNotNull();

    // nginx: the preset, with the body limit at the hub's own (commits up to it pass the ingress).
    GenericKubernetesResource ingress = object(objects, "Ingress", "spaceport-hub");
    assertThat(ingress.<String>get("spec", "rules", 0, "host")).isEqualTo("hub.spaces.localhost");
    assertThat(ingress.getMetadata().getAnnotations())
        .containsEntry("nginx.ingress.kubernetes.io/proxy-body-size", "100M")
        .containsEntry("nginx.ingress.kubernetes.io/proxy-request-buffering", "off");
    assertThat(ingress.<Object>get("spec", "tls")).isNull();

    // The chart's other ingress conventions: class, TLS (the wildcard Secret by default), preset.
    List<GenericKubernetesResource> traefik = render("spaceport", "spaceport", OPTIONS);
    GenericKubernetesResource tls = object(traefik, "Ingress", "spaceport-hub");
    assertThat(tls.<String>get("spec", "ingressClassName")).isEqualTo("traefik");
    assertThat(tls.<String>get("spec", "tls", 0, "secretName")).isEqualTo("hub-tls");
    assertThat(tls.<String>get("spec", "tls", 0, "hosts", 0)).isEqualTo("hub.spaces.localhost");
    assertThat(tls.getMetadata().getAnnotations())
        .containsEntry("traefik.ingress.kubernetes.io/router.tls", "true")
        .doesNotContainKey("nginx.ingress.kubernetes.io/proxy-body-size");
    assertThat(
            object(
                    render("spaceport", "spaceport", "--set", "ingress.tlsSecret=wildcard-tls"),
                    "Ingress",
                    "spaceport-hub")
                .<String>get("spec", "tls", 0, "secretName"))
        .isEqualTo("wildcard-tls");
  }

  /**
   * A ReadWriteOnce volume cannot be attached to an old and a new pod at once: the hub is replaced
   * with Recreate, and more than one replica is refused. ReadWriteMany allows both.
   */
  @Test
  void hubOnAVolumeThatIsNotReadWriteManyRunsOneReplicaReplacedWithRecreate(
      KubernetesClient client) {
    assertThat(
            deployment(client, render("spaceport", "spaceport"), "spaceport-hub")
                .getSpec()
                .getStrategy()
                .getType())
        .isEqualTo("Recreate");
    assertThat(
            deployment(
                    client,
                    render("spaceport", "spaceport", "--set", "hub.persistence.enabled=false"),
                    "spaceport-hub")
                .getSpec()
                .getStrategy()
                .getType())
        .isEqualTo("Recreate");

    Result refused = Tools.helm("template", "spaceport", CHART, "--set", "hub.replicas=2");
    assertThat(refused.exit()).isNotZero();
    assertThat(refused.err()).contains("hub.replicas above 1").contains("ReadWriteMany");

    List<GenericKubernetesResource> shared = render("spaceport", "spaceport", OPTIONS);
    Deployment hub = deployment(client, shared, "spaceport-hub");
    assertThat(hub.getSpec().getReplicas()).isEqualTo(2);
    assertThat(hub.getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");
    GenericKubernetesResource claim =
        object(shared, "PersistentVolumeClaim", "spaceport-hub-repositories");
    assertThat(claim.<List<String>>get("spec", "accessModes")).containsExactly("ReadWriteMany");
    assertThat(claim.<String>get("spec", "storageClassName")).isEmpty();

    // An existing claim: no claim of the chart's; the strategy follows the declared access modes.
    List<GenericKubernetesResource> existing =
        render("spaceport", "spaceport", "--set", "hub.persistence.existingClaim=git-repos");
    assertThat(existing).noneMatch(o -> o.getKind().equals("PersistentVolumeClaim"));
    assertThat(
            deployment(client, existing, "spaceport-hub")
                .getSpec()
                .getTemplate()
                .getSpec()
                .getVolumes())
        .filteredOn(v -> v.getName().equals("repositories"))
        .singleElement()
        .satisfies(
            v -> assertThat(v.getPersistentVolumeClaim().getClaimName()).isEqualTo("git-repos"));
  }

  @Test
  void hubDisabledRemovesItsObjects() {
    List<GenericKubernetesResource> objects =
        render("spaceport", "spaceport", "--set", "hub.enabled=false");

    assertThat(objects)
        .filteredOn(
            o ->
                "hub"
                    .equals(
                        o.getMetadata().getLabels() == null
                            ? null
                            : o.getMetadata().getLabels().get("app.kubernetes.io/component")))
        .isEmpty();
    assertThat(objects).noneMatch(o -> o.getMetadata().getName().contains("hub"));
    assertThat(objects)
        .extracting(o -> o.getKind() + " " + o.getMetadata().getName())
        .contains("Deployment spaceport-operator", "Deployment spaceport-gateway");
  }

  /**
   * Kubernetes' view role reads Spaces and HardwareFlavors; edit and admin also write Spaces. The
   * controller manager aggregates the rules into the built-in roles, checked after a real apply
   * with a user bound to view and one bound to edit in a namespace.
   */
  @Test
  void aggregatedClusterRolesExtendViewEditAndAdmin(TestNamespace ns) {
    List<GenericKubernetesResource> objects = render("spaceport", "spaceport");

    GenericKubernetesResource view = object(objects, "ClusterRole", "spaceport-spaces-view");
    assertThat(view.getMetadata().getLabels())
        .containsEntry("rbac.authorization.k8s.io/aggregate-to-view", "true")
        .doesNotContainKeys(
            "rbac.authorization.k8s.io/aggregate-to-edit",
            "rbac.authorization.k8s.io/aggregate-to-admin");
    assertThat(view.<List<String>>get("rules", 0, "resources"))
        .containsExactly("spaces", "hardwareflavors");
    assertThat(view.<List<String>>get("rules", 0, "verbs")).containsExactly("get", "list", "watch");

    GenericKubernetesResource edit = object(objects, "ClusterRole", "spaceport-spaces-edit");
    assertThat(edit.getMetadata().getLabels())
        .containsEntry("rbac.authorization.k8s.io/aggregate-to-edit", "true")
        .containsEntry("rbac.authorization.k8s.io/aggregate-to-admin", "true")
        .doesNotContainKey("rbac.authorization.k8s.io/aggregate-to-view");
    assertThat(edit.<List<String>>get("rules", 0, "resources")).containsExactly("spaces");
    assertThat(edit.<List<String>>get("rules", 0, "verbs"))
        .containsExactlyInAnyOrder(
            "get", "list", "watch", "create", "update", "patch", "delete", "deletecollection");

    assertThat(render("spaceport", "spaceport", "--set", "rbac.aggregateToDefaultRoles=false"))
        .noneMatch(o -> o.getMetadata().getName().startsWith("spaceport-spaces-"));

    // Applied: the apiserver's aggregation gives whoever holds view or edit in a namespace the
    // rules.
    String release = "sp" + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36);
    String roles = template(release, ns.name(), "--show-only", "templates/rbac-aggregated.yaml");
    String bindings =
        """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: %1$s-viewer, namespace: %2$s}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
        subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: %1$s-viewer}]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: %1$s-editor, namespace: %2$s}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
        subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: %1$s-editor}]
        """
            .formatted(release, ns.name());
    try {
      Tools.kubectl(roles, "apply", "--server-side", "--field-manager=helm-chart-it", "-f", "-")
          .ok();
      Tools.kubectl(bindings, "apply", "--server-side", "--field-manager=helm-chart-it", "-f", "-")
          .ok();
      await("edit aggregates " + release + "-spaces-edit")
          .atMost(SpaceWaits.WAIT)
          .until(() -> canI(release + "-editor", ns, "create", "spaces.spaceport.dev"));
      await("view aggregates " + release + "-spaces-view")
          .atMost(SpaceWaits.WAIT)
          .until(() -> canI(release + "-viewer", ns, "list", "spaces.spaceport.dev"));
      assertThat(canI(release + "-editor", ns, "deletecollection", "spaces.spaceport.dev"))
          .isTrue();
      assertThat(canI(release + "-viewer", ns, "create", "spaces.spaceport.dev")).isFalse();
      assertThat(canI(release + "-viewer", ns, "update", "spaces.spaceport.dev/status")).isFalse();
    } finally {
      Tools.kubectl(roles, "delete", "--ignore-not-found", "--wait=false", "-f", "-");
    }
  }

  private static boolean canI(String user, TestNamespace ns, String verb, String resource) {
    return Tools.kubectl(null, "auth", "can-i", verb, resource, "-n", ns.name(), "--as", user)
        .out()
        .trim()
        .equals("yes");
  }

  /**
   * Applies the chart for real (without CRDs and flavors, which the other tests share) and compares
   * what each ServiceAccount may do, in a user's namespace and in the release namespace, with the
   * chart README's table.
   */
  @Test
  void serviceAccountsHaveExactlyThePermissionsTheReadmeLists(
      KubernetesClient client, TestNamespace ns) throws IOException {
    String release = "sp" + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36);
    String userNamespace = "spaceport-user-" + release;
    String manifests =
        template(release, ns.name(), "--set", "crds.install=false", "--set", "flavors=null");
    client
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(userNamespace)
                .addToLabels("spaceport.dev/test", "true")
                .endMetadata()
                .build())
        .create();
    try {
      Tools.kubectl(manifests, "apply", "--server-side", "--field-manager=helm-chart-it", "-f", "-")
          .ok();
      List<String[]> table = permissionTable();
      assertThat(table).extracting(row -> row[0]).containsOnly("operator", "gateway", "hub");

      for (String account : List.of("operator", "gateway", "hub")) {
        String user =
            "system:serviceaccount:" + ns.name() + ":" + release + "-spaceport-" + account;
        assertThat(canI(user, userNamespace))
            .as("%s may, in a Space's namespace", account)
            .isEqualTo(expected(table, account, false));
        assertThat(canI(user, ns.name()))
            .as("%s may, in the release namespace", account)
            .isEqualTo(expected(table, account, true));
      }
    } finally {
      // Cluster-scoped roles outlive the namespace: delete what was applied.
      Tools.kubectl(manifests, "delete", "--ignore-not-found", "--wait=false", "-f", "-");
      client.namespaces().withName(userNamespace).delete();
    }
  }

  /**
   * Rows of the README's permission table: ServiceAccount, API group, resource, verbs, scope, why.
   */
  private static List<String[]> permissionTable() throws IOException {
    return Files.readAllLines(REPO.resolve(CHART).resolve("README.md")).stream()
        .filter(
            l ->
                l.startsWith("| operator |")
                    || l.startsWith("| gateway |")
                    || l.startsWith("| hub |"))
        .map(
            l ->
                Arrays.stream(l.substring(1, l.length() - 1).split("\\|"))
                    .map(String::trim)
                    .toArray(String[]::new))
        .toList();
  }

  /** "group resource verb" for each permission the table gives the account where it applies. */
  private static Set<String> expected(
      List<String[]> table, String account, boolean inReleaseNamespace) {
    Set<String> permissions = new TreeSet<>();
    for (String[] row : table) {
      assertThat(row[4])
          .as("scope of %s", String.join(" | ", row))
          .isIn("cluster", "release namespace");
      if (row[0].equals(account) && (inReleaseNamespace || row[4].equals("cluster"))) {
        String group = row[1].equals("core") ? "" : row[1];
        for (String verb : row[3].split(",\\s*")) {
          permissions.add(group + " " + row[2] + " " + verb);
        }
      }
    }
    return permissions;
  }

  private static final Pattern CAN_I_ROW =
      Pattern.compile("^(\\S*)\\s+\\[(.*?)]\\s+\\[(.*?)]\\s+\\[(.*?)]\\s*$");

  /**
   * Granted to every authenticated user by the default ClusterRole system:basic-user, not by the
   * chart.
   */
  private static final Set<String> EVERYONES =
      Set.of(
          "selfsubjectreviews.authentication.k8s.io",
          "selfsubjectaccessreviews.authorization.k8s.io",
          "selfsubjectrulesreviews.authorization.k8s.io");

  /**
   * "group resource verb" for each permission {@code kubectl auth can-i --list} shows for the user
   * in the namespace.
   */
  private static Set<String> canI(String user, String namespace) {
    String listing =
        Tools.kubectl(null, "auth", "can-i", "--list", "-n", namespace, "--as", user).ok();
    Set<String> permissions = new TreeSet<>();
    for (String line : listing.lines().skip(1).toList()) {
      Matcher row = CAN_I_ROW.matcher(line);
      assertThat(row.matches()).as("a row of can-i --list: %s", line).isTrue();
      // Non-resource URLs (/api, /healthz, /version, ...) come from system:discovery and
      // system:public-info-viewer, which every user has; the self-subject reviews likewise.
      if (row.group(1).isEmpty() || EVERYONES.contains(row.group(1))) {
        continue;
      }
      assertThat(row.group(3)).as("resource names in %s", line).isEmpty();
      // "spaces.spaceport.dev/status" is resource spaces/status of group spaceport.dev; "pods" is
      // core.
      String[] resourceAndSub = row.group(1).split("/", 2);
      String[] nameAndGroup = resourceAndSub[0].split("\\.", 2);
      String resource =
          nameAndGroup[0] + (resourceAndSub.length > 1 ? "/" + resourceAndSub[1] : "");
      String group = nameAndGroup.length > 1 ? nameAndGroup[1] : "";
      for (String verb : row.group(4).split(" ")) {
        permissions.add(group + " " + resource + " " + verb);
      }
    }
    return permissions;
  }

  /**
   * helm install, upgrade, rollback and uninstall against the real apiserver. The CRDs are the test
   * cluster's (shared with other tests, so crds.install=false); one flavor of the test's own shows
   * what Helm does with flavors: kept when dropped from values (resource-policy keep), through a
   * rollback, and after uninstall.
   */
  @Test
  void helmInstallsUpgradesRollsBackAndUninstalls(KubernetesClient client, TestNamespace ns)
      throws IOException {
    String release = "sp" + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36);
    String flavor = release + "-flavor";
    Path values = Files.createTempFile("spaceport-helm-it-", ".yaml");
    Files.writeString(
        values,
        """
                crds: {install: false}
                flavors:
                - name: %s
                  spec: {displayName: Test flavor, cpu: "1", memory: 1Gi}
                """
            .formatted(flavor));
    String kubeconfig = TestCluster.get().kubeconfig().toString();
    try {
      Tools.helm(
              "install",
              release,
              CHART,
              "-n",
              ns.name(),
              "--kubeconfig",
              kubeconfig,
              "-f",
              values.toString())
          .ok();
      assertThat(client.apps().deployments().inNamespace(ns.name()).list().getItems())
          .extracting(d -> d.getMetadata().getName())
          .containsExactlyInAnyOrder(
              release + "-spaceport-operator",
              release + "-spaceport-gateway",
              release + "-spaceport-hub");
      assertThat(client.resources(HardwareFlavor.class).withName(flavor).get()).isNotNull();
      String claim = release + "-spaceport-hub-repositories";
      assertThat(client.persistentVolumeClaims().inNamespace(ns.name()).withName(claim).get())
          .isNotNull();

      Tools.helm(
              "upgrade",
              release,
              CHART,
              "-n",
              ns.name(),
              "--kubeconfig",
              kubeconfig,
              "-f",
              values.toString(),
              "--set",
              "operator.replicas=2")
          .ok();
      assertThat(operatorReplicas(client, ns, release)).isEqualTo(2);
      Tools.helm("rollback", release, "1", "-n", ns.name(), "--kubeconfig", kubeconfig).ok();
      assertThat(operatorReplicas(client, ns, release)).isEqualTo(1);

      Tools.helm(
              "upgrade",
              release,
              CHART,
              "-n",
              ns.name(),
              "--kubeconfig",
              kubeconfig,
              "-f",
              values.toString(),
              "--set-json",
              "flavors=[]")
          .ok();
      assertThat(client.resources(HardwareFlavor.class).withName(flavor).get())
          .as("dropped from values, kept")
          .isNotNull();
      // Helm cannot patch a kept object back into the release it left; the chart README says to
      // roll
      // back across a dropped flavor with --force.
      Tools.helm("rollback", release, "1", "--force", "-n", ns.name(), "--kubeconfig", kubeconfig)
          .ok();
      assertThat(
              client
                  .resources(HardwareFlavor.class)
                  .withName(flavor)
                  .get()
                  .getMetadata()
                  .getAnnotations())
          .containsEntry("meta.helm.sh/release-name", release);

      Tools.helm("uninstall", release, "-n", ns.name(), "--kubeconfig", kubeconfig).ok();
      assertThat(client.apps().deployments().inNamespace(ns.name()).list().getItems()).isEmpty();
      assertThat(
              client
                  .rbac()
                  .clusterRoles()
                  .withLabel("app.kubernetes.io/instance", release)
                  .list()
                  .getItems())
          .isEmpty();
      assertThat(client.resources(HardwareFlavor.class).withName(flavor).get())
          .as("kept after uninstall")
          .isNotNull();
      assertThat(client.persistentVolumeClaims().inNamespace(ns.name()).withName(claim).get())
          .as("the hub's repositories, kept after uninstall")
          .isNotNull();
    } finally {
      client.resources(HardwareFlavor.class).withName(flavor).delete();
      Tools.helm(
          "uninstall", release, "-n", ns.name(), "--kubeconfig", kubeconfig, "--ignore-not-found");
      Files.deleteIfExists(values);
    }
  }

  private static int operatorReplicas(KubernetesClient client, TestNamespace ns, String release) {
    return client
        .apps()
        .deployments()
        .inNamespace(ns.name())
        .withName(release + "-spaceport-operator")
        .get()
        .getSpec()
        .getReplicas();
  }

  private static String template(String release, String namespace, String... options) {
    List<String> args =
        new ArrayList<>(List.of("template", release, CHART, "--namespace", namespace));
    args.addAll(List.of(options));
    return Tools.helm(args.toArray(String[]::new)).ok();
  }

  static List<GenericKubernetesResource> render(
      String release, String namespace, String... options) {
    return documents(template(release, namespace, options)).stream()
        .map(HelmChartIT::parse)
        .toList();
  }

  private static List<String> documents(String manifests) {
    return Arrays.stream(manifests.split("(?m)^---\\s*$")).filter(HelmChartIT::hasContent).toList();
  }

  private static boolean hasContent(String document) {
    return document.lines().anyMatch(l -> !l.isBlank() && !l.startsWith("#"));
  }

  private static GenericKubernetesResource parse(String document) {
    return TestCluster.get()
        .client()
        .getKubernetesSerialization()
        .unmarshal(document, GenericKubernetesResource.class);
  }

  private static List<GenericKubernetesResource> crds(List<GenericKubernetesResource> objects) {
    List<GenericKubernetesResource> crds =
        objects.stream().filter(o -> o.getKind().equals("CustomResourceDefinition")).toList();
    // The chart adds its labels (and maybe the keep annotation); the rest must be the generated
    // CRD.
    crds.forEach(c -> c.getMetadata().setLabels(null));
    return crds;
  }

  private static GenericKubernetesResource object(
      List<GenericKubernetesResource> objects, String kind, String name) {
    return objects.stream()
        .filter(o -> o.getKind().equals(kind) && o.getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError(kind + " " + name + " not rendered"));
  }

  private static Deployment deployment(
      KubernetesClient client, List<GenericKubernetesResource> objects, String name) {
    return client
        .getKubernetesSerialization()
        .convertValue(object(objects, "Deployment", name), Deployment.class);
  }

  private static String properties(List<GenericKubernetesResource> objects) {
    return objects.stream()
        .filter(o -> o.getKind().equals("ConfigMap"))
        .findFirst()
        .map(c -> c.<String>get("data", "application.properties"))
        .orElseThrow();
  }
}
