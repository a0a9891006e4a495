package dev.spaceport.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class HardwareStatus {

  @JsonPropertyDescription("The flavor the spec asks for (or the default flavor).")
  private String requested;

  @JsonPropertyDescription("The flavor of the pod that serves now; empty while none does.")
  private String current;

  @JsonPropertyDescription(
      "While the Space waits for a GPU that is all taken: the GPU product it waits for.")
  private String waitingFor;

  @JsonPropertyDescription(
      "Its place among the Spaces waiting for that product (1: next), by priority, then by how long they wait.")
  private Integer queuePosition;

  public HardwareStatus() {}

  public HardwareStatus(String requested, String current) {
    this.requested = requested;
    this.current = current;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HardwareStatus other
        && Objects.equals(requested, other.requested)
        && Objects.equals(current, other.current)
        && Objects.equals(waitingFor, other.waitingFor)
        && Objects.equals(queuePosition, other.queuePosition);
  }

  @Override
  public int hashCode() {
    return Objects.hash(requested, current, waitingFor, queuePosition);
  }

  public String getRequested() {
    return requested;
  }

  public void setRequested(String requested) {
    this.requested = requested;
  }

  public String getWaitingFor() {
    return waitingFor;
  }

  public void setWaitingFor(String waitingFor) {
    this.waitingFor = waitingFor;
  }

  public Integer getQueuePosition() {
    return queuePosition;
  }

  public void setQueuePosition(Integer queuePosition) {
    this.queuePosition = queuePosition;
  }

  public String getCurrent() {
    return current;
  }

  public void setCurrent(String current) {
    this.current = current;
  }
}
