package dev.spaceport.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * Making room: another Space waits for a GPU this one holds, and asks it to sleep. Written by the
 * operator under its own field manager; the Space sleeps only if it is still idle when it reads it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class YieldRequest {

  @JsonPropertyDescription("When the request was made.")
  private String at;

  @JsonPropertyDescription("The Space that waits for the GPU, namespace/name.")
  private String forSpace;

  public YieldRequest() {}

  public YieldRequest(String at, String forSpace) {
    this.at = at;
    this.forSpace = forSpace;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof YieldRequest other
        && java.util.Objects.equals(at, other.at)
        && java.util.Objects.equals(forSpace, other.forSpace);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(at, forSpace);
  }

  public String getAt() {
    return at;
  }

  public void setAt(String at) {
    this.at = at;
  }

  public String getForSpace() {
    return forSpace;
  }

  public void setForSpace(String forSpace) {
    this.forSpace = forSpace;
  }
}
