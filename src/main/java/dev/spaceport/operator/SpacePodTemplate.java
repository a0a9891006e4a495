package dev.spaceport.operator;

import dev.spaceport.api.HardwareFlavor;
import dev.spaceport.api.HardwareFlavorSpec;
import dev.spaceport.api.Space;
import dev.spaceport.api.SpaceSecret;
import dev.spaceport.api.SpaceSpec;
import dev.spaceport.config.SpaceportConfig;
import dev.spaceport.rules.Hashes;
import dev.spaceport.rules.SpaceDefaults;
import dev.spaceport.rules.SpaceLabels;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The pod a Space gets (docs/architecture.md): the restricted security context, the flavor's
 * resources and placement, the Hub's environment, secrets as files, probes from startupTimeout, and
 * for a git source the clone before the app. Pure.
 */
final class SpacePodTemplate {

  static final String APP_CONTAINER = "app";
  static final String HOME = HubEnvironment.HOME;
  static final String APP_DIR = HOME + "/app";
  static final String SECRETS_DIR = "/run/secrets";
  static final String TMP_VOLUME = "tmp";
  static final String APP_VOLUME = "app";

  /** The kubelet probes every this many seconds while the app starts. */
  static final int STARTUP_PROBE_PERIOD_SECONDS = 10;

  private SpacePodTemplate() {}

  /** The template, annotated with its own hash so status can tell its pods from older ones. */
  static PodTemplateSpec of(Space space, HardwareFlavor flavor, SpaceportConfig config) {
    PodTemplateSpec template = build(space, flavor, config);
    template.getMetadata().getAnnotations().put(SpaceLabels.TEMPLATE_HASH, hash(template));
    return template;
  }

  private static PodTemplateSpec build(Space space, HardwareFlavor flavor, SpaceportConfig config) {
    SpaceSpec spec = space.getSpec();
    HardwareFlavorSpec hw = flavor.getSpec();
    Map<String, String> labels = new LinkedHashMap<>(SpaceLabels.of(space));
    labels.put(SpaceLabels.HARDWARE, flavor.getMetadata().getName());

    List<Volume> volumes = new ArrayList<>();
    volumes.add(emptyDir(TMP_VOLUME));
    volumes.add(emptyDir("cache"));
    if (hasSecrets(spec)) {
      volumes.add(secretsVolume(spec.getSecrets()));
    }
    List<Container> initContainers = new ArrayList<>();
    if (spec.getSource().getGit() != null) {
      volumes.add(emptyDir(APP_VOLUME));
      initContainers.add(GitCloneContainer.of(spec.getSource().getGit(), config));
      if (spec.getSource().getGit().getTokenAudience() != null) {
        volumes.add(GitCloneContainer.tokenVolume(spec.getSource().getGit()));
      }
    }

    return new PodTemplateSpecBuilder()
        .withNewMetadata()
        .withLabels(labels)
        .withAnnotations(annotations(space, config))
        .endMetadata()
        .withNewSpec()
        .withAutomountServiceAccountToken(false)
        .withEnableServiceLinks(false)
        .withNewSecurityContext()
        .withRunAsUser(1000L)
        .withRunAsGroup(1000L)
        .withFsGroup(1000L)
        .withRunAsNonRoot(true)
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .endSecurityContext()
        .withNodeSelector(GpuPlacement.nodeSelector(hw))
        .withTolerations(GpuPlacement.tolerations(hw))
        .withRuntimeClassName(hw.getRuntimeClassName())
        .withPriorityClassName(space.getSpec().getPriorityClassName())
        .withInitContainers(initContainers)
        .withContainers(appContainer(space, flavor, config))
        .withVolumes(volumes)
        .endSpec()
        .build();
  }

  /** The Space's annotations that the configuration passes on, and the restart marker. */
  private static Map<String, String> annotations(Space space, SpaceportConfig config) {
    Map<String, String> annotations = new TreeMap<>();
    Map<String, String> spaceAnnotations =
        Optional.ofNullable(space.getMetadata().getAnnotations()).orElse(Map.of());
    List<String> passed = new ArrayList<>(config.podAnnotationsFromSpace().orElse(List.of()));
    passed.add(SpaceLabels.RESTARTED_AT);
    for (String key : passed) {
      if (spaceAnnotations.containsKey(key)) {
        annotations.put(key, spaceAnnotations.get(key));
      }
    }
    return annotations;
  }

  private static Container appContainer(
      Space space, HardwareFlavor flavor, SpaceportConfig config) {
    SpaceSpec spec = space.getSpec();
    int port = SpaceDefaults.appPort(spec);
    List<VolumeMount> mounts = new ArrayList<>();
    mounts.add(mount(TMP_VOLUME, "/tmp", false));
    mounts.add(mount("cache", HOME + "/.cache", false));
    if (hasSecrets(spec)) {
      mounts.add(mount("secrets", SECRETS_DIR, true));
    }
    if (spec.getSource().getGit() != null) {
      mounts.add(mount(APP_VOLUME, APP_DIR, false));
    }
    return new ContainerBuilder()
        .withName(APP_CONTAINER)
        .withImage(image(spec, config))
        .addNewPort()
        .withName("http")
        .withContainerPort(port)
        .withProtocol("TCP")
        .endPort()
        .withEnv(HubEnvironment.of(space, flavor, config))
        .withNewResources()
        .withRequests(GpuPlacement.requests(flavor.getSpec()))
        .withLimits(GpuPlacement.limits(flavor.getSpec()))
        .endResources()
        .withSecurityContext(containerSecurity())
        .withStartupProbe(startupProbe(spec))
        .withReadinessProbe(tcpProbe(port, 5, 3))
        .withVolumeMounts(mounts)
        .build();
  }

  /** No privilege escalation, no capabilities: what restricted Pod Security asks of a container. */
  static SecurityContext containerSecurity() {
    return new SecurityContextBuilder()
        .withAllowPrivilegeEscalation(false)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .build();
  }

  /**
   * The kubelet gives the app startupTimeout (rounded up to whole probe periods) to accept
   * connections.
   */
  private static Probe startupProbe(SpaceSpec spec) {
    long seconds = Math.max(1, SpaceDefaults.startupTimeout(spec).getSeconds());
    int period = (int) Math.min(STARTUP_PROBE_PERIOD_SECONDS, seconds);
    int failures = (int) Math.min(Integer.MAX_VALUE, (seconds + period - 1) / period);
    return tcpProbe(SpaceDefaults.appPort(spec), period, failures);
  }

  private static Probe tcpProbe(int port, int periodSeconds, int failureThreshold) {
    return new ProbeBuilder()
        .withNewTcpSocket()
        .withPort(new IntOrString(port))
        .endTcpSocket()
        .withPeriodSeconds(periodSeconds)
        .withFailureThreshold(failureThreshold)
        .withTimeoutSeconds(1)
        .withSuccessThreshold(1)
        .build();
  }

  /** All secrets in one read-only directory, each file named for its environment variable. */
  private static Volume secretsVolume(List<SpaceSecret> secrets) {
    VolumeBuilder volume = new VolumeBuilder().withName("secrets");
    var projected = volume.withNewProjected().withDefaultMode(0440);
    for (SpaceSecret secret : secrets) {
      projected
          .addNewSource()
          .withNewSecret()
          .withName(secret.getSecretRef().getName())
          .addNewItem()
          .withKey(secret.getSecretRef().getKey())
          .withPath(secret.getName())
          .endItem()
          .endSecret()
          .endSource();
    }
    return projected.endProjected().build();
  }

  private static boolean hasSecrets(SpaceSpec spec) {
    return spec.getSecrets() != null && !spec.getSecrets().isEmpty();
  }

  private static String image(SpaceSpec spec, SpaceportConfig config) {
    if (spec.getSource().getImage() != null) {
      return spec.getSource().getImage();
    }
    return switch (spec.getSdk()) {
      case STREAMLIT -> config.runtime().streamlitImage();
      case STATIC -> config.runtime().staticImage();
      default -> config.runtime().gradioImage();
    };
  }

  private static Volume emptyDir(String name) {
    return new VolumeBuilder().withName(name).withNewEmptyDir().endEmptyDir().build();
  }

  static VolumeMount mount(String volume, String path, boolean readOnly) {
    VolumeMountBuilder mount = new VolumeMountBuilder().withName(volume).withMountPath(path);
    return (readOnly ? mount.withReadOnly(true) : mount).build();
  }

  /** 12 hex characters of the template's JSON. */
  private static String hash(PodTemplateSpec template) {
    return Hashes.sha256Hex(Serialization.asJson(template), 12);
  }
}
