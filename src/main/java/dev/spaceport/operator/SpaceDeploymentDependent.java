package dev.spaceport.operator;

import dev.spaceport.api.GitSource;
import dev.spaceport.api.HardwareFlavor;
import dev.spaceport.api.HardwareFlavorSpec;
import dev.spaceport.api.Space;
import dev.spaceport.api.SpaceSecret;
import dev.spaceport.api.SpaceSpec;
import dev.spaceport.config.SpaceportConfig;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The Space's Deployment: one pod (none while paused) with the flavor's resources and placement,
 * the restricted security context, the Hub's helper environment, variables and secrets.
 */
@KubernetesDependent(informer = @Informer(labelSelector = SpaceLabels.MANAGED_SELECTOR))
public class SpaceDeploymentDependent extends CRUDKubernetesDependentResource<Deployment, Space> {

    static final String APP_CONTAINER = "app";
    static final String HOME = "/home/user";
    static final String SECRETS_DIR = "/run/secrets";
    /** The kubelet probes every this many seconds while the app starts. */
    static final int STARTUP_PROBE_PERIOD_SECONDS = 10;
    static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofMinutes(30);

    @Inject
    SpaceportConfig config;

    public SpaceDeploymentDependent() {
        super(Deployment.class);
    }

    @Override
    protected Deployment desired(Space space, Context<Space> context) {
        return build(space, SpaceReconciler.flavorOf(context), SpaceReconciler.sleepingSince(context), config);
    }

    /**
     * The desired Deployment: a pure function of the Space, its flavor, since when it sleeps (null when
     * awake), and the configuration.
     */
    public static Deployment build(Space space, HardwareFlavor flavor, String sleepingSince, SpaceportConfig config) {
        PodTemplateSpec template = podTemplate(space, flavor, config);
        template.getMetadata().getAnnotations().put(SpaceLabels.TEMPLATE_HASH, hash(template));
        return new DeploymentBuilder()
                .withNewMetadata()
                .withName(space.getMetadata().getName())
                .withNamespace(space.getMetadata().getNamespace())
                .withLabels(SpaceLabels.of(space))
                .withAnnotations(sleepingSince == null ? Map.of() : Map.of(SpaceLabels.SLEEPING_SINCE, sleepingSince))
                .endMetadata()
                .withNewSpec()
                .withReplicas(sleepingSince != null || Boolean.TRUE.equals(space.getSpec().getPaused()) ? 0 : 1)
                .withRevisionHistoryLimit(2)
                .withNewSelector().withMatchLabels(SpaceLabels.selector(space)).endSelector()
                // A new spec starts beside the serving pod (RUNNING_APP_STARTING), which goes once the new one is Ready.
                .withNewStrategy().withType("RollingUpdate")
                .withNewRollingUpdate().withMaxSurge(new IntOrString(1)).withMaxUnavailable(new IntOrString(0)).endRollingUpdate()
                .endStrategy()
                .withTemplate(template)
                .endSpec()
                .build();
    }

    private static PodTemplateSpec podTemplate(Space space, HardwareFlavor flavor, SpaceportConfig config) {
        SpaceSpec spec = space.getSpec();
        HardwareFlavorSpec hw = flavor.getSpec();
        Map<String, String> labels = new LinkedHashMap<>(SpaceLabels.of(space));
        labels.put(SpaceLabels.HARDWARE, flavor.getMetadata().getName());
        Map<String, String> annotations = new TreeMap<>();
        Map<String, String> spaceAnnotations = Optional.ofNullable(space.getMetadata().getAnnotations()).orElse(Map.of());
        List<String> passed = new ArrayList<>(config.podAnnotationsFromSpace().orElse(List.of()));
        passed.add(SpaceLabels.RESTARTED_AT);
        for (String key : passed) {
            if (spaceAnnotations.containsKey(key)) {
                annotations.put(key, spaceAnnotations.get(key));
            }
        }

        List<Volume> volumes = new ArrayList<>();
        volumes.add(new VolumeBuilder().withName("tmp").withNewEmptyDir().endEmptyDir().build());
        volumes.add(new VolumeBuilder().withName("cache").withNewEmptyDir().endEmptyDir().build());
        if (spec.getSecrets() != null && !spec.getSecrets().isEmpty()) {
            volumes.add(secretsVolume(spec.getSecrets()));
        }
        List<Container> initContainers = new ArrayList<>();
        if (spec.getSource().getGit() != null) {
            volumes.add(new VolumeBuilder().withName("app").withNewEmptyDir().endEmptyDir().build());
            initContainers.add(gitClone(spec.getSource().getGit(), config));
        }

        return new PodTemplateSpecBuilder()
                .withNewMetadata().withLabels(labels).withAnnotations(annotations).endMetadata()
                .withNewSpec()
                .withAutomountServiceAccountToken(false)
                .withEnableServiceLinks(false)
                .withNewSecurityContext()
                .withRunAsUser(1000L).withRunAsGroup(1000L).withFsGroup(1000L).withRunAsNonRoot(true)
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .endSecurityContext()
                .withNodeSelector(nodeSelector(hw))
                .withTolerations(tolerations(hw))
                .withRuntimeClassName(hw.getRuntimeClassName())
                .withInitContainers(initContainers)
                .withContainers(appContainer(space, flavor, config))
                .withVolumes(volumes)
                .endSpec()
                .build();
    }

    private static Container appContainer(Space space, HardwareFlavor flavor, SpaceportConfig config) {
        SpaceSpec spec = space.getSpec();
        int port = appPort(spec);
        List<VolumeMount> mounts = new ArrayList<>();
        mounts.add(mount("tmp", "/tmp", false));
        mounts.add(mount("cache", HOME + "/.cache", false));
        if (spec.getSecrets() != null && !spec.getSecrets().isEmpty()) {
            mounts.add(mount("secrets", SECRETS_DIR, true));
        }
        if (spec.getSource().getGit() != null) {
            mounts.add(mount("app", HOME + "/app", false));
        }
        Map<String, Quantity> resources = resources(flavor.getSpec());
        Map<String, Quantity> limits = new LinkedHashMap<>(resources);
        if (flavor.getSpec().getGpu() != null) {
            limits.put(gpuResource(flavor.getSpec()), new Quantity(flavor.getSpec().getGpu().getCount().toString()));
        }
        return new ContainerBuilder()
                .withName(APP_CONTAINER)
                .withImage(image(spec, config))
                .addNewPort().withName("http").withContainerPort(port).withProtocol("TCP").endPort()
                .withEnv(env(space, flavor, config))
                .withNewResources().withRequests(resources).withLimits(limits).endResources()
                .withNewSecurityContext()
                .withAllowPrivilegeEscalation(false)
                .withNewCapabilities().withDrop("ALL").endCapabilities()
                .endSecurityContext()
                .withStartupProbe(startupProbe(spec))
                .withReadinessProbe(tcpProbe(port, 5, 3))
                .withVolumeMounts(mounts)
                .build();
    }

    /** spec.startupTimeout, 30m by default (the Hub's startup_duration_timeout). */
    public static Duration startupTimeout(SpaceSpec spec) {
        return spec.getStartupTimeout() == null ? DEFAULT_STARTUP_TIMEOUT
                : Durations.parse(spec.getStartupTimeout()).orElse(DEFAULT_STARTUP_TIMEOUT);
    }

    /** The kubelet gives the app startupTimeout (rounded up to whole probe periods) to accept connections. */
    private static Probe startupProbe(SpaceSpec spec) {
        long seconds = Math.max(1, startupTimeout(spec).getSeconds());
        int period = (int) Math.min(STARTUP_PROBE_PERIOD_SECONDS, seconds);
        int failures = (int) Math.min(Integer.MAX_VALUE, (seconds + period - 1) / period);
        return tcpProbe(appPort(spec), period, failures);
    }

    private static Probe tcpProbe(int port, int periodSeconds, int failureThreshold) {
        return new ProbeBuilder()
                .withNewTcpSocket().withPort(new IntOrString(port)).endTcpSocket()
                .withPeriodSeconds(periodSeconds).withFailureThreshold(failureThreshold)
                .withTimeoutSeconds(1).withSuccessThreshold(1)
                .build();
    }

    private static List<EnvVar> env(Space space, HardwareFlavor flavor, SpaceportConfig config) {
        SpaceSpec spec = space.getSpec();
        String namespace = space.getMetadata().getNamespace();
        String name = space.getMetadata().getName();
        List<EnvVar> env = new ArrayList<>();
        env.add(env("SPACE_ID", namespace + "/" + name));
        env.add(env("SPACE_AUTHOR_NAME", namespace));
        env.add(env("SPACE_REPO_NAME", name));
        env.add(env("SPACE_TITLE", spec.getTitle() == null ? name : spec.getTitle()));
        env.add(env("SPACE_HOST", SpaceHosts.host(space, config)));
        env.add(env("ACCELERATOR", flavor.getSpec().getGpu() == null ? "none" : flavor.getMetadata().getName()));
        env.add(env("CPU_CORES", flavor.getSpec().getCpu().toString()));
        env.add(env("MEMORY", flavor.getSpec().getMemory().toString()));
        env.add(env("HOME", HOME));
        switch (spec.getSdk()) {
            case GRADIO -> {
                env.add(env("GRADIO_SERVER_NAME", "0.0.0.0"));
                env.add(env("GRADIO_SERVER_PORT", Integer.toString(appPort(spec))));
            }
            case STREAMLIT -> env.add(env("STREAMLIT_SERVER_PORT", Integer.toString(appPort(spec))));
            // The static runtime image (images/runtime-static) listens on PORT.
            case STATIC -> env.add(env("PORT", Integer.toString(appPort(spec))));
            default -> { }
        }
        if (spec.getSource().getGit() != null) {
            env.add(env("SPACE_APP_FILE", spec.getAppFile() == null ? "app.py" : spec.getAppFile()));
            if (spec.getSdkVersion() != null) {
                env.add(env("SDK_VERSION", spec.getSdkVersion()));
            }
            if (spec.getPythonVersion() != null) {
                env.add(env("PYTHON_VERSION", spec.getPythonVersion()));
            }
        }
        if (spec.getVariables() != null) {
            new TreeMap<>(spec.getVariables()).forEach((k, v) -> env.add(env(k, v)));
        }
        if (spec.getSecrets() != null) {
            for (SpaceSecret secret : spec.getSecrets()) {
                env.add(new EnvVarBuilder().withName(secret.getName()).withNewValueFrom().withNewSecretKeyRef()
                        .withName(secret.getSecretRef().getName()).withKey(secret.getSecretRef().getKey())
                        .endSecretKeyRef().endValueFrom().build());
            }
        }
        return env;
    }

    /** All secrets in one read-only directory, each file named for its environment variable. */
    private static Volume secretsVolume(List<SpaceSecret> secrets) {
        VolumeBuilder volume = new VolumeBuilder().withName("secrets");
        var projected = volume.withNewProjected().withDefaultMode(0440);
        for (SpaceSecret secret : secrets) {
            projected.addNewSource().withNewSecret().withName(secret.getSecretRef().getName())
                    .addNewItem().withKey(secret.getSecretRef().getKey()).withPath(secret.getName()).endItem()
                    .endSecret().endSource();
        }
        return projected.endProjected().build();
    }

    private static Container gitClone(GitSource git, SpaceportConfig config) {
        List<EnvVar> env = new ArrayList<>();
        env.add(env("GIT_URL", git.getUrl()));
        if (git.getRevision() != null) {
            env.add(env("GIT_REVISION", git.getRevision()));
        }
        if (git.getCredentialsSecret() != null) {
            for (String key : List.of("username", "password")) {
                env.add(new EnvVarBuilder().withName("GIT_" + key.toUpperCase()).withNewValueFrom().withNewSecretKeyRef()
                        .withName(git.getCredentialsSecret()).withKey(key).withOptional(true)
                        .endSecretKeyRef().endValueFrom().build());
            }
        }
        return new ContainerBuilder()
                .withName("git-clone")
                .withImage(config.runtime().gitImage())
                .withEnv(env)
                // A namespace's LimitRange or quota refuses containers without resources.
                .withNewResources()
                .withRequests(Map.of("cpu", new Quantity("100m"), "memory", new Quantity("128Mi")))
                .withLimits(Map.of("cpu", new Quantity("1"), "memory", new Quantity("512Mi")))
                .endResources()
                .withNewSecurityContext()
                .withAllowPrivilegeEscalation(false)
                .withNewCapabilities().withDrop("ALL").endCapabilities()
                .endSecurityContext()
                .withVolumeMounts(mount("app", HOME + "/app", false), mount("tmp", "/tmp", false))
                .build();
    }

    private static Map<String, String> nodeSelector(HardwareFlavorSpec hw) {
        Map<String, String> selector = new TreeMap<>();
        if (hw.getNodeSelector() != null) {
            selector.putAll(hw.getNodeSelector());
        }
        if (hw.getGpu() != null && hw.getGpu().getProduct() != null) {
            selector.put("nvidia.com/gpu.product", hw.getGpu().getProduct());
        }
        return selector;
    }

    /**
     * GPU node pools are tainted nvidia.com/gpu:NoSchedule (GPU operator, EKS, GKE); GPU flavors tolerate
     * it, also those asking for a MIG slice or a shared GPU (nvidia.com/mig-1g.10gb, nvidia.com/gpu.shared),
     * whose nodes carry the same taint, and a taint named like their resource.
     */
    private static List<Toleration> tolerations(HardwareFlavorSpec hw) {
        List<Toleration> tolerations = new ArrayList<>();
        if (hw.getGpu() != null) {
            for (String key : new LinkedHashSet<>(List.of("nvidia.com/gpu", gpuResource(hw)))) {
                tolerations.add(new TolerationBuilder().withKey(key).withOperator("Exists").withEffect("NoSchedule").build());
            }
        }
        if (hw.getTolerations() != null) {
            tolerations.addAll(hw.getTolerations());
        }
        return tolerations;
    }

    private static Map<String, Quantity> resources(HardwareFlavorSpec hw) {
        Map<String, Quantity> resources = new LinkedHashMap<>();
        resources.put("cpu", hw.getCpu());
        resources.put("memory", hw.getMemory());
        if (hw.getEphemeralStorage() != null) {
            resources.put("ephemeral-storage", hw.getEphemeralStorage());
        }
        return resources;
    }

    static String gpuResource(HardwareFlavorSpec hw) {
        return hw.getGpu().getResource() == null ? "nvidia.com/gpu" : hw.getGpu().getResource();
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

    public static int appPort(SpaceSpec spec) {
        return spec.getAppPort() != null ? spec.getAppPort() : spec.getSdk().defaultPort();
    }

    private static VolumeMount mount(String volume, String path, boolean readOnly) {
        VolumeMountBuilder mount = new VolumeMountBuilder().withName(volume).withMountPath(path);
        return (readOnly ? mount.withReadOnly(true) : mount).build();
    }

    private static EnvVar env(String name, String value) {
        return new EnvVarBuilder().withName(name).withValue(value).build();
    }

    /** Identifies a template, so status can tell the current template's pods from the old ones. */
    private static String hash(PodTemplateSpec template) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(Serialization.asJson(template).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
