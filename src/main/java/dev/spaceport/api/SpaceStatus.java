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

  @JsonPropertyDescription("When the Space went to sleep.")
  private String sleepingSince;

  @JsonPropertyDescription(
      "The last wake: when it was asked for, when the pod was Ready, how long it took.")
  private LastWake lastWake;

  @JsonPropertyDescription("Ready (summary), Scheduled, Available, Sleeping.")
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
