package dev.spaceport.operator;

import dev.spaceport.api.GitSource;
import dev.spaceport.config.SpaceportConfig;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The init container that clones a git Space's revision into the app folder. Pure. */
final class GitCloneContainer {

  static final String NAME = "git-clone";
  static final String TOKEN_VOLUME = "git-token";
  static final String TOKEN_DIR = "/var/run/secrets/spaceport/git-token";

  /** The kubelet renews the token at 80 % of this; the clone needs it for seconds. */
  static final long TOKEN_SECONDS = 600;

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
    List<VolumeMount> mounts = new ArrayList<>();
    mounts.add(
        SpacePodTemplate.mount(SpacePodTemplate.APP_VOLUME, SpacePodTemplate.APP_DIR, false));
    mounts.add(SpacePodTemplate.mount(SpacePodTemplate.TMP_VOLUME, "/tmp", false));
    if (git.getTokenAudience() != null) {
      env.add(HubEnvironment.plain("GIT_TOKEN_FILE", TOKEN_DIR + "/token"));
      mounts.add(SpacePodTemplate.mount(TOKEN_VOLUME, TOKEN_DIR, true));
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
        .withVolumeMounts(mounts)
        .build();
  }

  /**
   * The pod's service account token for the git server's audience, minted by the kubelet at pod
   * start and short-lived: a Space that sleeps for days clones again with a fresh one.
   */
  static Volume tokenVolume(GitSource git) {
    return new VolumeBuilder()
        .withName(TOKEN_VOLUME)
        .withNewProjected()
        .addNewSource()
        .withNewServiceAccountToken()
        .withAudience(git.getTokenAudience())
        .withExpirationSeconds(TOKEN_SECONDS)
        .withPath("token")
        .endServiceAccountToken()
        .endSource()
        .endProjected()
        .build();
  }
}
