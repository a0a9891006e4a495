package dev.spaceport.operator;

import dev.spaceport.api.GitSource;
import dev.spaceport.config.SpaceportConfig;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The init container that clones a git Space's revision into the app folder. Pure. */
final class GitCloneContainer {

  static final String NAME = "git-clone";

  private GitCloneContainer() {}

  static Container of(GitSource git, SpaceportConfig config) {
    List<EnvVar> env = new ArrayList<>();
    env.add(HubEnvironment.plain("GIT_URL", git.getUrl()));
    if (git.getRevision() != null) {
      env.add(HubEnvironment.plain("GIT_REVISION", git.getRevision()));
    }
    if (git.getCredentialsSecret() != null) {
      for (String key : List.of("username", "password")) {
        env.add(
            HubEnvironment.fromSecret(
                "GIT_" + key.toUpperCase(), git.getCredentialsSecret(), key, true));
      }
    }
    return new ContainerBuilder()
        .withName(NAME)
        .withImage(config.runtime().gitImage())
        .withEnv(env)
        // A namespace's LimitRange or quota refuses containers without resources.
        .withNewResources()
        .withRequests(Map.of("cpu", new Quantity("100m"), "memory", new Quantity("128Mi")))
        .withLimits(Map.of("cpu", new Quantity("1"), "memory", new Quantity("512Mi")))
        .endResources()
        .withSecurityContext(SpacePodTemplate.containerSecurity())
        .withVolumeMounts(
            SpacePodTemplate.mount(SpacePodTemplate.APP_VOLUME, SpacePodTemplate.APP_DIR, false),
            SpacePodTemplate.mount(SpacePodTemplate.TMP_VOLUME, "/tmp", false))
        .build();
  }
}
