package dev.spaceport.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Who may visit a Space's app, as the Hub's {@code private} flag. */
public enum Visibility {
  /** Anyone who reaches the Space's host. */
  @JsonProperty("public")
  PUBLIC,
  /** Only visitors whose token RBAC allows {@code get} on the Space. */
  @JsonProperty("private")
  PRIVATE
}
