package dev.spaceport.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class GitSource {

  @Required
  @Pattern("^(https?|ssh|git)://.+|^[^@\\s]+@[^:\\s]+:.+$")
  @JsonPropertyDescription(
      "Clone URL of the repository, e.g. https://huggingface.co/spaces/acme/demo.")
  private String url;

  @JsonPropertyDescription(
      "Branch, tag or commit to run. Defaults to the repository's default branch.")
  private String revision;

  @JsonPropertyDescription(
      "Name of a Secret in the Space's namespace with keys username and password (a token goes in password) for a private repository.")
  private String credentialsSecret;

  @JsonPropertyDescription(
      "Clone with a short-lived token of the pod's service account for this audience instead of credentialsSecret (Spaceport's hub: spaceport-hub).")
  private String tokenAudience;

  public String getTokenAudience() {
    return tokenAudience;
  }

  public void setTokenAudience(String tokenAudience) {
    this.tokenAudience = tokenAudience;
  }

  public String getUrl() {
    return url;
  }

  public void setUrl(String url) {
    this.url = url;
  }

  public String getRevision() {
    return revision;
  }

  public void setRevision(String revision) {
    this.revision = revision;
  }

  public String getCredentialsSecret() {
    return credentialsSecret;
  }

  public void setCredentialsSecret(String credentialsSecret) {
    this.credentialsSecret = credentialsSecret;
  }
}
