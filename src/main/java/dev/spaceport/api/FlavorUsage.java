package dev.spaceport.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** What a Space used of one flavor, since status.usage.since. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FlavorUsage {

  @JsonPropertyDescription("The flavor's name.")
  private String flavor;

  @JsonPropertyDescription(
      "Seconds a pod of this flavor held its hardware while the Space was serving (a visitor connection open or a request in the last minute).")
  private double servingSeconds;

  @JsonPropertyDescription("Seconds a pod of this flavor held its hardware while nobody visited.")
  private double idleSeconds;

  @JsonPropertyDescription("servingSeconds times the flavor's GPUs.")
  private double gpuServingSeconds;

  @JsonPropertyDescription("idleSeconds times the flavor's GPUs.")
  private double gpuIdleSeconds;

  @JsonPropertyDescription("The flavor's pricePerHour over those seconds.")
  private double cost;

  public FlavorUsage() {}

  public FlavorUsage(String flavor) {
    this.flavor = flavor;
  }

  public String getFlavor() {
    return flavor;
  }

  public void setFlavor(String flavor) {
    this.flavor = flavor;
  }

  public double getServingSeconds() {
    return servingSeconds;
  }

  public void setServingSeconds(double servingSeconds) {
    this.servingSeconds = servingSeconds;
  }

  public double getIdleSeconds() {
    return idleSeconds;
  }

  public void setIdleSeconds(double idleSeconds) {
    this.idleSeconds = idleSeconds;
  }

  public double getGpuServingSeconds() {
    return gpuServingSeconds;
  }

  public void setGpuServingSeconds(double gpuServingSeconds) {
    this.gpuServingSeconds = gpuServingSeconds;
  }

  public double getGpuIdleSeconds() {
    return gpuIdleSeconds;
  }

  public void setGpuIdleSeconds(double gpuIdleSeconds) {
    this.gpuIdleSeconds = gpuIdleSeconds;
  }

  public double getCost() {
    return cost;
  }

  public void setCost(double cost) {
    this.cost = cost;
  }
}
