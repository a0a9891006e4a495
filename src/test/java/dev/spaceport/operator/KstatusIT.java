package dev.spaceport.operator;

import static dev.spaceport.testing.SpaceWaits.awaitStage;
import static dev.spaceport.testing.SpaceWaits.editSpace;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spaceport.api.GpuSpec;
import dev.spaceport.api.HardwareFlavor;
import dev.spaceport.api.HardwareFlavorSpec;
import dev.spaceport.api.Space;
import dev.spaceport.rules.SpaceConditions;
import dev.spaceport.testing.ClusterExtension;
import dev.spaceport.testing.LocalClusterResource;
import dev.spaceport.testing.SpaceWaits;
import dev.spaceport.testing.TestCluster;
import dev.spaceport.testing.TestNamespace;
import dev.spaceport.testing.TestSpaces;
import dev.spaceport.testing.Tools;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Flux's `wait` and kpt judge Spaces with kstatus (sigs.k8s.io/cli-utils). This runs kstatus itself
 * ({@code cluster/go/kstatus}) over a Space in every row of docs/gitops.md's kstatus table and
 * checks each row: the three conditions and kstatus's verdict.
 */
@QuarkusTest
@QuarkusTestResource(LocalClusterResource.class)
@ExtendWith(ClusterExtension.class)
class KstatusIT {

  /** A row of the table: | `STAGE` (note) | `Ready` | `Reconciling` | `Stalled` | kstatus | */
  private static final Pattern ROW =
      Pattern.compile(
          "^\\| `([A-Z_]+)`( \\(waiting for hardware\\))? \\| `(\\w+)` \\| `(\\w+)` \\| `(\\w+)` \\|"
              + " (\\w+) \\|$");

  private record Row(String ready, String reconciling, String stalled, String kstatus) {}

  @Test
  void kstatusJudgesEverySpaceAsDocsGitopsSays(KubernetesClient client, TestNamespace ns)
      throws Exception {
    Map<String, Row> table = documentedTable();
    assertThat(table)
        .containsOnlyKeys(
            "RUNNING",
            "SLEEPING",
            "PAUSED",
            "APP_STARTING",
            "APP_STARTING (waiting for hardware)",
            "RUNNING_APP_STARTING",
            "CONFIG_ERROR",
            "RUNTIME_ERROR");

    // A flavor no node can hold: 16 GPUs of a product whose nodes have 8.
    String unschedulable = "kstatus-" + ns.suffix();
    client.resource(hugeFlavor(unschedulable)).create();
    try {
      Map<String, String> spaceOfRow = new LinkedHashMap<>();
      spaceOfRow.put("RUNNING", create(client, ns, "running", "cpu-basic", Map.of()));
      Space napper = TestSpaces.gradio(ns.name(), "sleeping", "cpu-basic");
      napper.getSpec().setSleepTime("3s");
      client.resource(napper).create();
      spaceOfRow.put("SLEEPING", "sleeping");
      Space paused = TestSpaces.gradio(ns.name(), "paused", "cpu-basic");
      paused.getSpec().setPaused(true);
      client.resource(paused).create();
      spaceOfRow.put("PAUSED", "paused");
      spaceOfRow.put(
          "APP_STARTING",
          create(
              client,
              ns,
              "starting",
              "cpu-basic",
              Map.of("pod-ready.stage.kwok.x-k8s.io/delay", "1h")));
      spaceOfRow.put(
          "APP_STARTING (waiting for hardware)",
          create(client, ns, "waiting", unschedulable, Map.of()));
      spaceOfRow.put("RUNNING_APP_STARTING", create(client, ns, "rolling", "cpu-basic", Map.of()));
      spaceOfRow.put("CONFIG_ERROR", create(client, ns, "misfit", "no-such-flavor", Map.of()));
      spaceOfRow.put(
          "RUNTIME_ERROR",
          create(
              client,
              ns,
              "crasher",
              "cpu-basic",
              Map.of("spaceport.dev/test-behaviour", "crashloop")));

      awaitStage(client, ns, "rolling", "RUNNING");
      editSpace(
          client,
          ns,
          "rolling",
          s -> {
            s.getMetadata().setAnnotations(Map.of("pod-ready.stage.kwok.x-k8s.io/delay", "1h"));
            s.getSpec().setVariables(Map.of("VERSION", "2"));
            return s;
          });
      for (var entry : spaceOfRow.entrySet()) {
        String stage = entry.getKey().replace(" (waiting for hardware)", "");
        Space space = awaitStage(client, ns, entry.getValue(), stage);
        if (entry.getKey().contains("hardware")) {
          assertThat(SpaceWaits.reason(space, SpaceConditions.READY))
              .isEqualTo(SpaceConditions.INSUFFICIENT_CAPACITY);
        }
      }
      // Every Space has settled in its stage; the operator has seen each spec.
      SpaceWaits.awaitAsleep(client, ns, "sleeping");

      String json = Tools.kubectl(null, "get", "spaces", "-n", ns.name(), "-o", "json").out();
      var verdicts = Tools.kstatus(json);
      assertThat(verdicts.exit()).as(verdicts.err()).isZero();
      Map<String, String> kstatusOf =
          verdicts
              .out()
              .lines()
              .map(l -> l.split(" ", 3))
              .collect(Collectors.toMap(p -> p[0].substring(p[0].indexOf('/') + 1), p -> p[1]));

      for (var entry : spaceOfRow.entrySet()) {
        Row row = table.get(entry.getKey());
        Space space = SpaceWaits.space(client, ns, entry.getValue());
        Map<String, String> conditions = SpaceWaits.conditions(space);
        assertThat(
                List.of(
                    conditions.get("Ready"),
                    conditions.get("Reconciling"),
                    conditions.get("Stalled"),
                    kstatusOf.get(entry.getValue())))
            .as(
                "%s (Space %s): Ready, Reconciling, Stalled, kstatus",
                entry.getKey(), entry.getValue())
            .containsExactly(row.ready(), row.reconciling(), row.stalled(), row.kstatus());
      }
    } finally {
      client.resources(HardwareFlavor.class).withName(unschedulable).delete();
    }
  }

  private static String create(
      KubernetesClient client,
      TestNamespace ns,
      String name,
      String hardware,
      Map<String, String> annotations) {
    client
        .resource(TestSpaces.annotated(TestSpaces.gradio(ns.name(), name, hardware), annotations))
        .create();
    return name;
  }

  private static HardwareFlavor hugeFlavor(String name) {
    GpuSpec gpu = new GpuSpec();
    gpu.setCount(16);
    gpu.setProduct("NVIDIA-H100-80GB-HBM3");
    HardwareFlavorSpec spec = new HardwareFlavorSpec();
    spec.setCpu(new Quantity("1"));
    spec.setMemory(new Quantity("1Gi"));
    spec.setGpu(gpu);
    HardwareFlavor flavor = new HardwareFlavor();
    flavor.setMetadata(new ObjectMetaBuilder().withName(name).build());
    flavor.setSpec(spec);
    return flavor;
  }

  /** The kstatus table of docs/gitops.md, by its first column. */
  private static Map<String, Row> documentedTable() throws Exception {
    Map<String, Row> rows = new LinkedHashMap<>();
    for (String line : Files.readAllLines(TestCluster.repoRoot().resolve("docs/gitops.md"))) {
      Matcher m = ROW.matcher(line);
      if (m.matches()) {
        String key = m.group(1) + (m.group(2) == null ? "" : m.group(2));
        rows.put(key, new Row(m.group(3), m.group(4), m.group(5), m.group(6)));
      }
    }
    return rows;
  }
}
