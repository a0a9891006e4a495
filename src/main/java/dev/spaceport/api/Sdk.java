package dev.spaceport.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How a Space's app is served, as in a Space README's {@code sdk} field. */
public enum Sdk {
  @JsonProperty("gradio")
  GRADIO(7860),
  @JsonProperty("streamlit")
  STREAMLIT(8501),
  @JsonProperty("docker")
  DOCKER(7860),
  @JsonProperty("static")
  STATIC(8080);

  private final int defaultPort;

  Sdk(int defaultPort) {
    this.defaultPort = defaultPort;
  }

  /** The port the app listens on when {@code spec.appPort} is not set. */
  public int defaultPort() {
    return defaultPort;
  }
}
