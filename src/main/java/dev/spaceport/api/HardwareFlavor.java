package dev.spaceport.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A hardware flavor of the cluster admin's catalog (cpu-basic, t4-small, a10g-large, ...): the
 * resources a Space's pod gets and the nodes it may run on. Cluster-scoped; exactly one flavor
 * should be the default.
 */
@Group(Space.GROUP)
@Version(Space.VERSION)
@AdditionalPrinterColumn(
    name = "Display",
    jsonPath = ".spec.displayName",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "CPU",
    jsonPath = ".spec.cpu",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Memory",
    jsonPath = ".spec.memory",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "GPUs",
    jsonPath = ".spec.gpu.count",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "GPU",
    jsonPath = ".spec.gpu.product",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Default",
    jsonPath = ".spec.default",
    type = AdditionalPrinterColumn.Type.BOOLEAN)
public class HardwareFlavor extends CustomResource<HardwareFlavorSpec, Void> {

  @Override
  @JsonPropertyDescription(
      "The resources a Space's pod gets on this flavor and the nodes it may run on.")
  public HardwareFlavorSpec getSpec() {
    return super.getSpec();
  }
}
