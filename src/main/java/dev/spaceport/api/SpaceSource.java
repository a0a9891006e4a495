package dev.spaceport.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.image) != has(self.git)",
    message = "exactly one of source.image and source.git must be set")
public class SpaceSource {

  @JsonPropertyDescription(
      "A built image that serves the app on appPort, e.g. ghcr.io/acme/demo:1.2.")
  private String image;

  @JsonPropertyDescription(
      "A git repository holding the app's code, cloned at start and run by the sdk's runtime image.")
  private GitSource git;

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  public GitSource getGit() {
    return git;
  }

  public void setGit(GitSource git) {
    this.git = git;
  }
}
