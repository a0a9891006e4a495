package dev.spaceport.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/**
 * Running totals of the hardware a Space held, per flavor, split into serving and awake-idle. They
 * only grow: the usage of a period is the difference of two readings (docs/metrics-and-alerts.md).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SpaceUsage {

  @JsonPropertyDescription("When counting began.")
  private String since;

  @JsonPropertyDescription("The totals count up to this time.")
  private String countedUntil;

  @JsonPropertyDescription(
      "The flavors of the pods that held hardware at countedUntil, one entry per pod.")
  private List<String> holding = new ArrayList<>();

  @JsonPropertyDescription("Whether the Space was serving at countedUntil.")
  private boolean serving;

  @JsonPropertyDescription("Totals per flavor.")
  private List<FlavorUsage> flavors = new ArrayList<>();

  @JsonPropertyDescription("GPU-hours over all flavors, serving and idle.")
  private double gpuHours;

  @JsonPropertyDescription("Cost over all flavors, from their pricePerHour.")
  private double cost;

  public String getSince() {
    return since;
  }

  public void setSince(String since) {
    this.since = since;
  }

  public String getCountedUntil() {
    return countedUntil;
  }

  public void setCountedUntil(String countedUntil) {
    this.countedUntil = countedUntil;
  }

  public List<String> getHolding() {
    return holding;
  }

  public void setHolding(List<String> holding) {
    this.holding = holding;
  }

  public boolean isServing() {
    return serving;
  }

  public void setServing(boolean serving) {
    this.serving = serving;
  }

  public List<FlavorUsage> getFlavors() {
    return flavors;
  }

  public void setFlavors(List<FlavorUsage> flavors) {
    this.flavors = flavors;
  }

  public double getGpuHours() {
    return gpuHours;
  }

  public void setGpuHours(double gpuHours) {
    this.gpuHours = gpuHours;
  }

  public double getCost() {
    return cost;
  }

  public void setCost(double cost) {
    this.cost = cost;
  }
}
