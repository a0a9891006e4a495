package dev.spaceport.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The last wake of a sleeping Space: from the visitor's request to a Ready pod. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LastWake {

  @JsonPropertyDescription("When a visitor's request asked the Space to wake.")
  private String requestedAt;

  @JsonPropertyDescription("When the woken Space's pod became Ready.")
  private String readyAt;

  @JsonPropertyDescription("Seconds from requestedAt to readyAt.")
  private Double seconds;

  public String getRequestedAt() {
    return requestedAt;
  }

  public void setRequestedAt(String requestedAt) {
    this.requestedAt = requestedAt;
  }

  public String getReadyAt() {
    return readyAt;
  }

  public void setReadyAt(String readyAt) {
    this.readyAt = readyAt;
  }

  public Double getSeconds() {
    return seconds;
  }

  public void setSeconds(Double seconds) {
    this.seconds = seconds;
  }
}
