package dev.spaceport.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spaceport.testing.ClusterExtension;
import dev.spaceport.testing.TestCluster;
import dev.spaceport.testing.TestNamespace;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The built-in flavor catalog, {@code deploy/hardware-flavors.yaml}: the apiserver accepts and
 * stores it as written, it has the Hub's names and one default, its quantities are canonical, and
 * every flavor whose GPU the local cluster has can be placed on one of its nodes.
 *
 * <p>The local cluster has no L4 or L40S nodes, so l4x1, l4x4, l40sx1, l40sx4 and l40sx8 are not
 * schedulable locally; {@link #NOT_LOCAL} names those products so that a misspelt product elsewhere
 * is caught rather than skipped.
 *
 * <p>The applied flavors stay in the cluster: applying the catalog is idempotent, and the
 * operator's own tests and {@code make run} install the same objects.
 */
@ExtendWith(ClusterExtension.class)
class HardwareFlavorCatalogIT {

  private static final Path CATALOG =
      TestCluster.repoRoot().resolve("deploy/hardware-flavors.yaml");
  private static final String API_VERSION = "spaceport.dev/v1alpha1";
  private static final String KIND = "HardwareFlavor";
  private static final String GPU_PRODUCT_LABEL = "nvidia.com/gpu.product";
  private static final String DEFAULT_GPU_RESOURCE = "nvidia.com/gpu";

  /** GPU products in the catalog that the local cluster has no node for. */
  private static final Set<String> NOT_LOCAL = Set.of("NVIDIA-L4", "NVIDIA-L40S");

  /**
   * The Hub's Spaces flavors (spaces-and-peers.md §1.3), plus h100 and h100x8 which it had until
   * 2025.
   */
  private static final List<String> HUB_FLAVORS =
      List.of(
          "cpu-basic",
          "cpu-upgrade",
          "t4-small",
          "t4-medium",
          "l4x1",
          "l4x4",
          "l40sx1",
          "l40sx4",
          "l40sx8",
          "a10g-small",
          "a10g-large",
          "a10g-largex2",
          "a10g-largex4",
          "a100-large",
          "a100x4",
          "a100x8",
          "h100",
          "h100x8");

  @BeforeAll
  static void installCrds() {
    TestCluster.get().installCrds();
  }

  @Test
  void everyFlavorIsAcceptedByTheApiserverAndStoredAsWritten(KubernetesClient client)
      throws IOException {
    for (GenericKubernetesResource flavor : catalog(client)) {
      GenericKubernetesResource stored =
          client
              .genericKubernetesResources(API_VERSION, KIND)
              .resource(flavor)
              .fieldManager("spaceport-catalog-test")
              .forceConflicts()
              .serverSideApply();

      // Server-side apply refuses unknown fields; anything the schema would still change (a
      // default, a pruned value) shows up here, so the file is exactly what the cluster stores.
      assertThat(stored.getAdditionalProperties().get("spec"))
          .as("spec of %s as stored", name(flavor))
          .isEqualTo(flavor.getAdditionalProperties().get("spec"));
    }
  }

  @Test
  void flavorWhoseResourcesAreNotQuantitiesIsRefusedNamingTheField(KubernetesClient client) {
    GenericKubernetesResource flavor =
        client
            .getKubernetesSerialization()
            .unmarshal(
                """
                apiVersion: spaceport.dev/v1alpha1
                kind: HardwareFlavor
                metadata:
                  name: not-a-quantity
                spec:
                  cpu: lots
                  memory: 15Gi
                """,
                GenericKubernetesResource.class);

    var refused =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            io.fabric8.kubernetes.client.KubernetesClientException.class,
            () -> client.resource(flavor).dryRun().create());

    assertThat(refused).isNotNull();
    assertThat(refused.getStatus().getMessage())
        .contains("spec.cpu: Invalid value: \"lots\": must be a quantity");
  }

  @Test
  void catalogHasTheHubsFlavorsAndExactlyOneDefault(KubernetesClient client) throws IOException {
    List<HardwareFlavor> flavors = typed(client);

    assertThat(flavors)
        .extracting(f -> f.getMetadata().getName())
        .containsExactlyInAnyOrderElementsOf(HUB_FLAVORS);
    assertThat(flavors)
        .filteredOn(f -> Boolean.TRUE.equals(f.getSpec().getDefault()))
        .as("flavors with default: true")
        .extracting(f -> f.getMetadata().getName())
        .containsExactly("cpu-basic");
    for (HardwareFlavor flavor : flavors) {
      // As on the Hub: the free flavor sleeps after 48 hours, paid ones never by default
      // (a flavor without a price, h100x8, counts as paid).
      boolean free =
          new BigDecimal(
                      flavor.getSpec().getPricePerHour() == null
                          ? "1"
                          : flavor.getSpec().getPricePerHour())
                  .signum()
              == 0;
      assertThat(flavor.getSpec().getDefaultSleepTime())
          .as("defaultSleepTime of %s", flavor.getMetadata().getName())
          .isEqualTo(free ? "48h" : "never");
      assertThat(flavor.getSpec().getDisplayName())
          .as("displayName of %s", flavor.getMetadata().getName())
          .isNotBlank();
    }
  }

  /**
   * The operator copies these quantities into pod specs; the apiserver stores pods with canonical
   * quantities, so a non-canonical one ("4000m", "2048Gi") would differ from what it reads back and
   * make every reconcile a write. A dry-run pod shows the apiserver's canonical form of each: every
   * quantity becomes an emptyDir size limit, one volume per field, since gpu.memory is no pod
   * resource.
   */
  @Test
  void quantitiesAreInTheApiserversCanonicalForm(KubernetesClient client, TestNamespace ns)
      throws IOException {
    for (HardwareFlavor flavor : typed(client)) {
      HardwareFlavorSpec spec = flavor.getSpec();
      Map<String, Quantity> quantities = new LinkedHashMap<>();
      quantities.put("cpu", spec.getCpu());
      quantities.put("memory", spec.getMemory());
      quantities.put("ephemeral-storage", spec.getEphemeralStorage());
      quantities.put("gpu-memory", spec.getGpu() == null ? null : spec.getGpu().getMemory());
      quantities.values().removeIf(q -> q == null);
      PodBuilder pod =
          new PodBuilder()
              .withNewMetadata()
              .withName(flavor.getMetadata().getName())
              .endMetadata()
              .withNewSpec()
              .addNewContainer()
              .withName("app")
              .withImage("example.invalid/app")
              .endContainer()
              .endSpec();
      quantities.forEach(
          (field, q) ->
              pod.editSpec()
                  .addNewVolume()
                  .withName(field)
                  .withNewEmptyDir()
                  .withSizeLimit(q)
                  .endEmptyDir()
                  .endVolume()
                  .endSpec());

      Pod stored = client.pods().inNamespace(ns.name()).resource(pod.build()).dryRun().create();

      Map<String, String> canonical =
          stored.getSpec().getVolumes().stream()
              .filter(v -> quantities.containsKey(v.getName()))
              .collect(
                  Collectors.toMap(
                      Volume::getName, v -> v.getEmptyDir().getSizeLimit().toString()));
      assertThat(strings(quantities))
          .as(
              "quantities of %s; the apiserver writes them as %s",
              flavor.getMetadata().getName(), canonical)
          .isEqualTo(canonical);
    }
  }

  /**
   * Each flavor fits, by allocatable resources, on at least one local node it may run on: a node
   * with its GPU product (the operator tolerates the GPU taint), or an untainted node for CPU
   * flavors. This is capacity, not free capacity, so it does not depend on what other tests run.
   */
  @Test
  void everyFlavorWhoseGpuTheLocalClusterHasFitsOneOfItsNodes(KubernetesClient client)
      throws IOException {
    List<Node> nodes = client.nodes().list().getItems();
    Set<String> localProducts =
        nodes.stream()
            .map(n -> n.getMetadata().getLabels().get(GPU_PRODUCT_LABEL))
            .filter(p -> p != null)
            .collect(Collectors.toSet());
    List<String> unschedulable = new ArrayList<>();

    for (HardwareFlavor flavor : typed(client)) {
      GpuSpec gpu = flavor.getSpec().getGpu();
      if (gpu != null && !localProducts.contains(gpu.getProduct())) {
        assertThat(NOT_LOCAL)
            .as(
                "GPU product of %s: not on any local node (misspelt?); local products are %s",
                flavor.getMetadata().getName(), localProducts)
            .contains(gpu.getProduct());
        continue;
      }
      List<Node> candidates =
          nodes.stream()
              .filter(
                  n ->
                      gpu == null
                          ? n.getSpec().getTaints() == null || n.getSpec().getTaints().isEmpty()
                          : gpu.getProduct()
                              .equals(n.getMetadata().getLabels().get(GPU_PRODUCT_LABEL)))
              .toList();
      if (candidates.stream().noneMatch(n -> shortfalls(flavor.getSpec(), n).isEmpty())) {
        unschedulable.add(
            flavor.getMetadata().getName()
                + " fits no node: "
                + candidates.stream()
                    .map(
                        n ->
                            n.getMetadata().getName() + " lacks " + shortfalls(flavor.getSpec(), n))
                    .collect(Collectors.joining("; ")));
      }
    }

    assertThat(unschedulable).as("flavors the local cluster cannot place").isEmpty();
  }

  /** The resources a node's allocatable does not cover for one pod of the flavor. */
  private static List<String> shortfalls(HardwareFlavorSpec flavor, Node node) {
    Map<String, Quantity> needed = new LinkedHashMap<>();
    needed.put("cpu", flavor.getCpu());
    needed.put("memory", flavor.getMemory());
    if (flavor.getEphemeralStorage() != null) {
      needed.put("ephemeral-storage", flavor.getEphemeralStorage());
    }
    if (flavor.getGpu() != null) {
      String resource =
          flavor.getGpu().getResource() == null
              ? DEFAULT_GPU_RESOURCE
              : flavor.getGpu().getResource();
      needed.put(resource, new Quantity(flavor.getGpu().getCount().toString()));
    }
    Map<String, Quantity> allocatable = node.getStatus().getAllocatable();
    return needed.entrySet().stream()
        .filter(
            e ->
                !allocatable.containsKey(e.getKey())
                    || allocatable
                            .get(e.getKey())
                            .getNumericalAmount()
                            .compareTo(e.getValue().getNumericalAmount())
                        < 0)
        .map(e -> e.getKey() + " " + e.getValue() + " (has " + allocatable.get(e.getKey()) + ")")
        .toList();
  }

  /** The catalog's objects exactly as written in the file, one per YAML document. */
  private static List<GenericKubernetesResource> catalog(KubernetesClient client)
      throws IOException {
    List<GenericKubernetesResource> flavors =
        Arrays.stream(Files.readString(CATALOG).split("(?m)^---\\s*$"))
            .filter(doc -> doc.lines().anyMatch(l -> !l.isBlank() && !l.startsWith("#")))
            .map(
                doc ->
                    client
                        .getKubernetesSerialization()
                        .unmarshal(doc, GenericKubernetesResource.class))
            .toList();
    assertThat(flavors)
        .as("objects in %s", CATALOG)
        .isNotEmpty()
        .allSatisfy(
            f ->
                assertThat(f.getApiVersion() + " " + f.getKind())
                    .isEqualTo(API_VERSION + " " + KIND))
        .allSatisfy(
            f ->
                assertThat(f.getMetadata().getNamespace())
                    .as("namespace of a cluster-scoped object")
                    .isNull());
    return flavors;
  }

  private static List<HardwareFlavor> typed(KubernetesClient client) throws IOException {
    return catalog(client).stream()
        .map(f -> client.getKubernetesSerialization().convertValue(f, HardwareFlavor.class))
        .toList();
  }

  private static Map<String, String> strings(Map<String, Quantity> quantities) {
    return quantities.entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().toString()));
  }

  private static String name(GenericKubernetesResource resource) {
    return resource.getMetadata().getName();
  }
}
