package dev.spaceport.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.sdk != 'docker' || has(self.source.image)",
    message = "sdk docker needs source.image (a built image)",
    fieldPath = ".source")
@ValidationRule(
    value =
        "!has(self.variables) || !has(self.secrets)"
            + " || self.secrets.all(s, !(s.name in self.variables))",
    message =
        "a variable has the name of a secret: each environment variable comes from one of them",
    fieldPath = ".variables")
public class SpaceSpec {

  /** A duration such as 15m, 1h30m or 2d. */
  public static final String DURATION = "^([0-9]{1,5}(s|m|h|d)){1,4}$";

  public static final String DURATION_OR_NEVER = "^(never|([0-9]{1,5}(s|m|h|d)){1,4})$";
  public static final String DNS_LABEL = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
  public static final String HOSTNAME =
      "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
  public static final String ENV_NAME = "^[A-Za-z_][A-Za-z0-9_]*$";

  /** The variables Spaceport itself gives every Space's app, as the Hub does (HubEnvironment). */
  public static final String HUB_VARIABLES =
      "^(SPACE_ID|SPACE_AUTHOR_NAME|SPACE_REPO_NAME|SPACE_TITLE|SPACE_HOST|ACCELERATOR|CPU_CORES"
          + "|MEMORY|HOME|GRADIO_SERVER_NAME|GRADIO_SERVER_PORT|STREAMLIT_SERVER_PORT|PORT"
          + "|SPACE_APP_FILE|SDK_VERSION|PYTHON_VERSION)$";

  private static final String NOT_HUB_VARIABLES =
      "names Spaceport sets itself (SPACE_ID, SPACE_HOST, ACCELERATOR, HOME, PORT, GRADIO_SERVER_PORT"
          + " and the other Hub variables) cannot be set here";

  @JsonPropertyDescription(
      "Title shown in UIs; given to the app as SPACE_TITLE. Defaults to the Space's name.")
  private String title;

  @Required
  @JsonPropertyDescription("How the app is served: gradio, streamlit, docker or static.")
  private Sdk sdk;

  @JsonPropertyDescription(
      "Version of the sdk (e.g. Gradio 6.31.0) the runtime image installs; used when the source is git.")
  private String sdkVersion;

  @JsonPropertyDescription("Python version the runtime image uses; used when the source is git.")
  private String pythonVersion;

  @JsonPropertyDescription(
      "Path of the app's main file in the repository (e.g. app.py); used when the source is git.")
  private String appFile;

  @Min(1)
  @Max(65535)
  @JsonPropertyDescription(
      "Port the app listens on. Defaults to 7860 for gradio and docker, 8501 for streamlit, 8080 for static.")
  private Integer appPort;

  @Required
  @JsonPropertyDescription(
      "Where the app comes from: exactly one of a built image or a git repository.")
  private SpaceSource source;

  @Size(max = 63)
  @Pattern(DNS_LABEL)
  @JsonPropertyDescription(
      "Name of the HardwareFlavor to run on (e.g. cpu-basic, t4-small, a10g-large). Defaults to the cluster's default flavor.")
  private String hardware;

  @Size(max = 8)
  @ValidationRule(
      value = "self.all(f, self.exists_one(g, g == f))",
      message = "a flavor may appear once in the fallback list")
  @JsonPropertyDescription(
      "Flavors to run on, in order, when the requested hardware cannot be scheduled for the operator's fallback time (docs/hardware-flavors.md). Empty: the Space waits for its flavor.")
  private List<@Pattern(DNS_LABEL) @Size(max = 63) String> hardwareFallback;

  @JsonPropertyDescription(
      "When a Space running on a fallback flavor goes back to its requested hardware once that has room: immediately (the default; the new pod starts while the fallback pod serves until it is Ready), next-sleep (when the Space next wakes) or never.")
  private FallbackReturn fallbackReturn;

  @Size(max = 253)
  @Pattern(HOSTNAME)
  @JsonPropertyDescription(
      "PriorityClass of the Space's pod. Making room never puts a Space to sleep for one of a lower priority.")
  private String priorityClassName;

  @Pattern(DURATION_OR_NEVER)
  @ValidationRule(
      value = "!self.matches('^(0+(s|m|h|d))+$')",
      message = "must be longer than zero (never keeps the Space awake)")
  @JsonPropertyDescription(
      "Idle time after the last request before the Space sleeps (its pod and GPU are released), e.g. 15m, 1h or 2d; or never. Defaults to the flavor's defaultSleepTime.")
  private String sleepTime;

  @JsonPropertyDescription("Owner pause: the Space is scaled to zero and visitors do not wake it.")
  private Boolean paused;

  @JsonPropertyDescription(
      "public (the default): anyone who reaches the Space's host may visit it; private: only visitors with a token that RBAC allows to get the Space.")
  private Visibility visibility;

  @Size(max = 128)
  @ValidationRule(
      value = "self.all(k, k.matches(r'" + ENV_NAME + "'))",
      message = "variable names must be valid environment variable names ([A-Za-z_][A-Za-z0-9_]*)")
  @ValidationRule(
      value = "self.all(k, !k.matches(r'" + HUB_VARIABLES + "'))",
      message = "variable " + NOT_HUB_VARIABLES)
  @JsonPropertyDescription(
      "Plain environment variables for the app. Not secret: use secrets for tokens.")
  private Map<String, String> variables;

  @JsonPropertyDescription(
      "Secrets for the app, each from a key of a Kubernetes Secret in the Space's namespace: set as an environment variable and mounted read-only at /run/secrets/<name>.")
  @Size(max = 32)
  @ValidationRule(
      value = "self.all(s, self.exists_one(t, t.name == s.name))",
      message = "secret names must be unique: each is one environment variable")
  @ValidationRule(
      value = "self.all(s, !s.name.matches(r'" + HUB_VARIABLES + "'))",
      message = "secret " + NOT_HUB_VARIABLES)
  private List<SpaceSecret> secrets;

  @Pattern(DURATION)
  @ValidationRule(value = "!self.matches('^(0+(s|m|h|d))+$')", message = "must be longer than zero")
  @JsonPropertyDescription(
      "How long the app may take to become healthy after it is scheduled before the Space is a RUNTIME_ERROR, e.g. 30m (the default) or 1h. Waiting for GPU capacity does not count.")
  private String startupTimeout;

  @Size(max = 16)
  @JsonPropertyDescription(
      "Extra hostnames (custom domains) the Space is served at, besides <namespace>-<name>.<domain>.")
  private List<@Pattern(HOSTNAME) @Size(max = 253) String> domains;

  public Visibility getVisibility() {
    return visibility;
  }

  public void setVisibility(Visibility visibility) {
    this.visibility = visibility;
  }

  public String getTitle() {
    return title;
  }

  public void setTitle(String title) {
    this.title = title;
  }

  public Sdk getSdk() {
    return sdk;
  }

  public void setSdk(Sdk sdk) {
    this.sdk = sdk;
  }

  public String getSdkVersion() {
    return sdkVersion;
  }

  public void setSdkVersion(String sdkVersion) {
    this.sdkVersion = sdkVersion;
  }

  public String getPythonVersion() {
    return pythonVersion;
  }

  public void setPythonVersion(String pythonVersion) {
    this.pythonVersion = pythonVersion;
  }

  public String getAppFile() {
    return appFile;
  }

  public void setAppFile(String appFile) {
    this.appFile = appFile;
  }

  public Integer getAppPort() {
    return appPort;
  }

  public void setAppPort(Integer appPort) {
    this.appPort = appPort;
  }

  public SpaceSource getSource() {
    return source;
  }

  public void setSource(SpaceSource source) {
    this.source = source;
  }

  public List<String> getHardwareFallback() {
    return hardwareFallback;
  }

  public void setHardwareFallback(List<String> hardwareFallback) {
    this.hardwareFallback = hardwareFallback;
  }

  public FallbackReturn getFallbackReturn() {
    return fallbackReturn;
  }

  public void setFallbackReturn(FallbackReturn fallbackReturn) {
    this.fallbackReturn = fallbackReturn;
  }

  public String getPriorityClassName() {
    return priorityClassName;
  }

  public void setPriorityClassName(String priorityClassName) {
    this.priorityClassName = priorityClassName;
  }

  public String getHardware() {
    return hardware;
  }

  public void setHardware(String hardware) {
    this.hardware = hardware;
  }

  public String getSleepTime() {
    return sleepTime;
  }

  public void setSleepTime(String sleepTime) {
    this.sleepTime = sleepTime;
  }

  public Boolean getPaused() {
    return paused;
  }

  public void setPaused(Boolean paused) {
    this.paused = paused;
  }

  public Map<String, String> getVariables() {
    return variables;
  }

  public void setVariables(Map<String, String> variables) {
    this.variables = variables;
  }

  public List<SpaceSecret> getSecrets() {
    return secrets;
  }

  public void setSecrets(List<SpaceSecret> secrets) {
    this.secrets = secrets;
  }

  public String getStartupTimeout() {
    return startupTimeout;
  }

  public void setStartupTimeout(String startupTimeout) {
    this.startupTimeout = startupTimeout;
  }

  public List<String> getDomains() {
    return domains;
  }

  public void setDomains(List<String> domains) {
    this.domains = domains;
  }
}
