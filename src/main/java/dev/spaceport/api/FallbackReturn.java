package dev.spaceport.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** When a Space on a fallback flavor goes back to the hardware it asks for. */
public enum FallbackReturn {
  /** As soon as the requested flavor has room, without a gap. */
  @JsonProperty("immediately")
  IMMEDIATELY,
  /** When the Space next wakes: a sleeping Space starts on the requested flavor again. */
  @JsonProperty("next-sleep")
  NEXT_SLEEP,
  /** Stays on the fallback until the spec or the Space's restart changes it. */
  @JsonProperty("never")
  NEVER
}
