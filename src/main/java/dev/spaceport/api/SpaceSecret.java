package dev.spaceport.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

public class SpaceSecret {

  @Required
  @Pattern(SpaceSpec.ENV_NAME)
  @Size(max = 128)
  @JsonPropertyDescription(
      "Environment variable name the app reads, e.g. HF_TOKEN; also the file name under /run/secrets.")
  private String name;

  @Required
  @JsonPropertyDescription("The key of a Secret in the Space's namespace that holds the value.")
  private SecretKeyReference secretRef;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public SecretKeyReference getSecretRef() {
    return secretRef;
  }

  public void setSecretRef(SecretKeyReference secretRef) {
    this.secretRef = secretRef;
  }
}
