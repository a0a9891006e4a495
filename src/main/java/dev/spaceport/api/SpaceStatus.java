package dev.spaceport.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** What Spaceport observed of a Space. Small on purpose: no logs, no copies of the spec. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SpaceStatus {

  @JsonPropertyDescription("The metadata.generation this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription(
      "The Hub's stage name: CONFIG_ERROR, APP_STARTING, RUNNING, RUNNING_APP_STARTING, RUNTIME_ERROR, PAUSED or SLEEPING.")
  private String stage;

  @JsonPropertyDescription("Why the Space is in its stage, for people.")
  private String message;

  @JsonPropertyDescription("Where the Space is served.")
  private String url;

  @JsonPropertyDescription("The Space's own hostname, <namespace>-<name>.<domain>.")
  private String host;

  @JsonPropertyDescription("The flavor asked for and the flavor of the pod that serves now.")
  private HardwareStatus hardware;

  @JsonPropertyDescription("Last visitor request, written by the gateway.")
  private String lastActivityTime;

  @JsonPropertyDescription(
      "When a visitor's request asked a sleeping Space to wake, written by the gateway.")
  private String wakeRequestedAt;

  @JsonPropertyDescription(
      "Last time the gateway saw a visitor's connection open (a WebSocket, an SSE stream, a long download), written by the gateway while one is.")
  private String visitorConnectedAt;

  @JsonPropertyDescription(
      "Making room: a Space waiting for a GPU this one holds asks it to sleep (written by the operator).")
  private YieldRequest yieldRequest;

  @JsonPropertyDescription(
      "While the Space sleeps because it made room: the Space it yielded its GPU to, namespace/name.")
  private String yieldedTo;

  @JsonPropertyDescription(
      "Running totals of the hardware the Space held: seconds, GPU-hours and cost per flavor.")
  private SpaceUsage usage;

  @JsonPropertyDescription("When the Space went to sleep.")
  private String sleepingSince;

  @JsonPropertyDescription(
      "The last wake: when it was asked for, when the pod was Ready, how long it took.")
  private LastWake lastWake;

  @JsonPropertyDescription(
      "Ready (summary), Scheduled, Available, Sleeping, HardwareFallback, Reconciling, Stalled.")
  private List<Condition> conditions = new ArrayList<>();

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public String getStage() {
    return stage;
  }

  public void setStage(String stage) {
    this.stage = stage;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  public String getUrl() {
    return url;
  }

  public void setUrl(String url) {
    this.url = url;
  }

  public String getHost() {
    return host;
  }

  public void setHost(String host) {
    this.host = host;
  }

  public HardwareStatus getHardware() {
    return hardware;
  }

  public void setHardware(HardwareStatus hardware) {
    this.hardware = hardware;
  }

  public String getLastActivityTime() {
    return lastActivityTime;
  }

  public void setLastActivityTime(String lastActivityTime) {
    this.lastActivityTime = lastActivityTime;
  }

  public String getWakeRequestedAt() {
    return wakeRequestedAt;
  }

  public void setWakeRequestedAt(String wakeRequestedAt) {
    this.wakeRequestedAt = wakeRequestedAt;
  }

  public String getVisitorConnectedAt() {
    return visitorConnectedAt;
  }

  public void setVisitorConnectedAt(String visitorConnectedAt) {
    this.visitorConnectedAt = visitorConnectedAt;
  }

  public YieldRequest getYieldRequest() {
    return yieldRequest;
  }

  public void setYieldRequest(YieldRequest yieldRequest) {
    this.yieldRequest = yieldRequest;
  }

  public String getYieldedTo() {
    return yieldedTo;
  }

  public void setYieldedTo(String yieldedTo) {
    this.yieldedTo = yieldedTo;
  }

  public SpaceUsage getUsage() {
    return usage;
  }

  public void setUsage(SpaceUsage usage) {
    this.usage = usage;
  }

  public String getSleepingSince() {
    return sleepingSince;
  }

  public void setSleepingSince(String sleepingSince) {
    this.sleepingSince = sleepingSince;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public LastWake getLastWake() {
    return lastWake;
  }

  public void setLastWake(LastWake lastWake) {
    this.lastWake = lastWake;
  }
}
