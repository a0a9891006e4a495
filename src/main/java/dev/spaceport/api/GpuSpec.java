package dev.spaceport.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Quantity;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class GpuSpec {

  @Required
  @Min(1)
  @JsonPropertyDescription("Number of GPUs, set as the container's limit of the resource.")
  private Integer count;

  @JsonPropertyDescription("Extended resource name of the GPU. Defaults to nvidia.com/gpu.")
  private String resource;

  @JsonPropertyDescription(
      "GPU product as GPU feature discovery labels nodes (nvidia.com/gpu.product), e.g. NVIDIA-A10G; the pod is placed only on such nodes.")
  private String product;

  @ValidationRule(
      value = "type(self) == int || isQuantity(self)",
      message = "must be a quantity, e.g. 4, 500m or 15Gi")
  @JsonPropertyDescription("Memory of one GPU, for UIs, e.g. 24Gi.")
  private Quantity memory;

  public Integer getCount() {
    return count;
  }

  public void setCount(Integer count) {
    this.count = count;
  }

  public String getResource() {
    return resource;
  }

  public void setResource(String resource) {
    this.resource = resource;
  }

  public String getProduct() {
    return product;
  }

  public void setProduct(String product) {
    this.product = product;
  }

  public Quantity getMemory() {
    return memory;
  }

  public void setMemory(Quantity memory) {
    this.memory = memory;
  }
}
