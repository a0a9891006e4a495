package dev.spaceport.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class HardwareFlavorSpec {

  @JsonPropertyDescription("Name shown in UIs, e.g. \"Nvidia A10G - small\".")
  private String displayName;

  @Required
  @ValidationRule(
      value = "type(self) == int || isQuantity(self)",
      message = "must be a quantity, e.g. 4, 500m or 15Gi")
  @JsonPropertyDescription("CPU the Space's container gets (request = limit), e.g. 4.")
  private Quantity cpu;

  @Required
  @ValidationRule(
      value = "type(self) == int || isQuantity(self)",
      message = "must be a quantity, e.g. 4, 500m or 15Gi")
  @JsonPropertyDescription("Memory the Space's container gets (request = limit), e.g. 15Gi.")
  private Quantity memory;

  @ValidationRule(
      value = "type(self) == int || isQuantity(self)",
      message = "must be a quantity, e.g. 4, 500m or 15Gi")
  @JsonPropertyDescription(
      "Ephemeral disk the Space's container may use (request = limit), e.g. 50Gi.")
  private Quantity ephemeralStorage;

  @JsonPropertyDescription("GPUs the Space's container gets; absent for CPU flavors.")
  private GpuSpec gpu;

  @JsonPropertyDescription("Node labels the Space's pod must match, e.g. a node pool label.")
  private Map<String, String> nodeSelector;

  @JsonPropertyDescription(
      "Tolerations added to the Space's pod, e.g. for a tainted node pool. GPU flavors tolerate nvidia.com/gpu:NoSchedule without saying so.")
  private List<Toleration> tolerations;

  @JsonPropertyDescription("RuntimeClass of the Space's pod, e.g. nvidia.")
  private String runtimeClassName;

  @Pattern("^[0-9]+(\\.[0-9]+)?$")
  @JsonPropertyDescription("Price per hour shown in UIs, in the cluster's currency, e.g. \"1.00\".")
  private String pricePerHour;

  @Pattern(SpaceSpec.DURATION_OR_NEVER)
  @JsonPropertyDescription(
      "Sleep time of Spaces on this flavor that set none, e.g. 48h; or never (the default).")
  private String defaultSleepTime;

  @JsonProperty("default")
  @JsonPropertyDescription(
      "Whether Spaces that name no hardware run on this flavor. Exactly one flavor should be the default.")
  private Boolean isDefault;

  public Boolean getDefault() {
    return isDefault;
  }

  public void setDefault(Boolean isDefault) {
    this.isDefault = isDefault;
  }

  public String getDisplayName() {
    return displayName;
  }

  public void setDisplayName(String displayName) {
    this.displayName = displayName;
  }

  public Quantity getCpu() {
    return cpu;
  }

  public void setCpu(Quantity cpu) {
    this.cpu = cpu;
  }

  public Quantity getMemory() {
    return memory;
  }

  public void setMemory(Quantity memory) {
    this.memory = memory;
  }

  public Quantity getEphemeralStorage() {
    return ephemeralStorage;
  }

  public void setEphemeralStorage(Quantity ephemeralStorage) {
    this.ephemeralStorage = ephemeralStorage;
  }

  public GpuSpec getGpu() {
    return gpu;
  }

  public void setGpu(GpuSpec gpu) {
    this.gpu = gpu;
  }

  public Map<String, String> getNodeSelector() {
    return nodeSelector;
  }

  public void setNodeSelector(Map<String, String> nodeSelector) {
    this.nodeSelector = nodeSelector;
  }

  public List<Toleration> getTolerations() {
    return tolerations;
  }

  public void setTolerations(List<Toleration> tolerations) {
    this.tolerations = tolerations;
  }

  public String getRuntimeClassName() {
    return runtimeClassName;
  }

  public void setRuntimeClassName(String runtimeClassName) {
    this.runtimeClassName = runtimeClassName;
  }

  public String getPricePerHour() {
    return pricePerHour;
  }

  public void setPricePerHour(String pricePerHour) {
    this.pricePerHour = pricePerHour;
  }

  public String getDefaultSleepTime() {
    return defaultSleepTime;
  }

  public void setDefaultSleepTime(String defaultSleepTime) {
    this.defaultSleepTime = defaultSleepTime;
  }
}
