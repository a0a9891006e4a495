package dev.spaceport.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A Hugging Face Spaces-style app: what to run (sdk, source), on what hardware, when it sleeps,
 * with which variables and secrets. {@code spec} is the user's intent; Spaceport only writes {@code
 * status}.
 */
@Group(Space.GROUP)
@Version(Space.VERSION)
@ShortNames("sp")
@AdditionalPrinterColumn(
    name = "SDK",
    jsonPath = ".spec.sdk",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Hardware",
    jsonPath = ".status.hardware.requested",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Stage",
    jsonPath = ".status.stage",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "URL",
    jsonPath = ".status.url",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
@ValidationRule(
    value =
        "self.metadata.name.matches('^[a-z]([-a-z0-9]*[a-z0-9])?$')"
            + " && size(self.metadata.name) <= 63",
    message =
        "metadata.name must be a DNS label that starts with a letter (a-z, 0-9, '-'; at most 63"
            + " characters): the Space's Service is named after it")
public class Space extends CustomResource<SpaceSpec, SpaceStatus> implements Namespaced {

  public static final String GROUP = "spaceport.dev";
  public static final String VERSION = "v1alpha1";

  @Override
  @JsonPropertyDescription(
      "What the Space runs and how: the user's intent. Spaceport never writes it.")
  public SpaceSpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonPropertyDescription(
      "What Spaceport observed: the stage (the Hub's names), URL, hardware and conditions.")
  public SpaceStatus getStatus() {
    return super.getStatus();
  }
}
