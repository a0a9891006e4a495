package dev.spaceport.operator;

import dev.spaceport.api.HardwareFlavor;
import dev.spaceport.api.Space;
import dev.spaceport.api.SpaceSecret;
import dev.spaceport.api.SpaceSpec;
import dev.spaceport.config.SpaceportConfig;
import dev.spaceport.rules.SpaceDefaults;
import dev.spaceport.rules.SpaceHosts;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The environment the Hub gives a Space's app (its helper variables, the sdk's server settings, the
 * Space's variables and secrets), so an app written for the Hub runs unchanged. Pure.
 */
final class HubEnvironment {

  static final String HOME = "/home/user";

  private HubEnvironment() {}

  static List<EnvVar> of(Space space, HardwareFlavor flavor, SpaceportConfig config) {
    SpaceSpec spec = space.getSpec();
    String namespace = space.getMetadata().getNamespace();
    String name = space.getMetadata().getName();
    String port = Integer.toString(SpaceDefaults.appPort(spec));
    List<EnvVar> env = new ArrayList<>();
    env.add(plain("SPACE_ID", namespace + "/" + name));
    env.add(plain("SPACE_AUTHOR_NAME", namespace));
    env.add(plain("SPACE_REPO_NAME", name));
    env.add(plain("SPACE_TITLE", spec.getTitle() == null ? name : spec.getTitle()));
    env.add(plain("SPACE_HOST", SpaceHosts.host(space, config)));
    env.add(
        plain(
            "ACCELERATOR",
            flavor.getSpec().getGpu() == null ? "none" : flavor.getMetadata().getName()));
    env.add(plain("CPU_CORES", flavor.getSpec().getCpu().toString()));
    env.add(plain("MEMORY", flavor.getSpec().getMemory().toString()));
    env.add(plain("HOME", HOME));
    switch (spec.getSdk()) {
      case GRADIO -> {
        env.add(plain("GRADIO_SERVER_NAME", "0.0.0.0"));
        env.add(plain("GRADIO_SERVER_PORT", port));
      }
      case STREAMLIT -> env.add(plain("STREAMLIT_SERVER_PORT", port));
      // The static runtime image (images/runtime-static) listens on PORT.
      case STATIC -> env.add(plain("PORT", port));
      default -> {}
    }
    if (spec.getSource().getGit() != null) {
      env.add(plain("SPACE_APP_FILE", spec.getAppFile() == null ? "app.py" : spec.getAppFile()));
      if (spec.getSdkVersion() != null) {
        env.add(plain("SDK_VERSION", spec.getSdkVersion()));
      }
      if (spec.getPythonVersion() != null) {
        env.add(plain("PYTHON_VERSION", spec.getPythonVersion()));
      }
    }
    if (spec.getVariables() != null) {
      new TreeMap<>(spec.getVariables()).forEach((k, v) -> env.add(plain(k, v)));
    }
    if (spec.getSecrets() != null) {
      for (SpaceSecret secret : spec.getSecrets()) {
        env.add(
            fromSecret(
                secret.getName(),
                secret.getSecretRef().getName(),
                secret.getSecretRef().getKey(),
                false));
      }
    }
    return env;
  }

  static EnvVar plain(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }

  static EnvVar fromSecret(String name, String secret, String key, boolean optional) {
    var ref =
        new EnvVarBuilder()
            .withName(name)
            .withNewValueFrom()
            .withNewSecretKeyRef()
            .withName(secret)
            .withKey(key);
    return (optional ? ref.withOptional(true) : ref).endSecretKeyRef().endValueFrom().build();
  }
}
