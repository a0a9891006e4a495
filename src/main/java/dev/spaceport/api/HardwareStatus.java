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

  public HardwareStatus() {}

  public HardwareStatus(String requested, String current) {
    this.requested = requested;
    this.current = current;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HardwareStatus other
        && Objects.equals(requested, other.requested)
        && Objects.equals(current, other.current);
  }

  @Override
  public int hashCode() {
    return Objects.hash(requested, current);
  }

  public String getRequested() {
    return requested;
  }

  public void setRequested(String requested) {
    this.requested = requested;
  }

  public String getCurrent() {
    return current;
  }

  public void setCurrent(String current) {
    this.current = current;
  }
}
