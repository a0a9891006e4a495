package dev.spaceport.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spaceport.api.GitSource;
import dev.spaceport.api.HardwareFlavor;
import dev.spaceport.api.Space;
import dev.spaceport.api.SpaceSource;
import dev.spaceport.rules.SpaceLabels;
import dev.spaceport.testing.TestConfig;
import dev.spaceport.testing.TestFlavors;
import dev.spaceport.testing.TestSpaces;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpaceDeploymentDependentTest {

  private static Deployment build(Space space, HardwareFlavor flavor) {
    return SpaceDeploymentDependent.build(space, flavor, null, TestConfig.defaults());
  }

  private static Container app(Deployment d) {
    return d.getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  private static Map<String, String> plainEnv(Deployment d) {
    Map<String, String> env = new java.util.LinkedHashMap<>();
    for (EnvVar e : app(d).getEnv()) {
      if (e.getValue() != null) {
        env.put(e.getName(), e.getValue());
      }
    }
    return env;
  }

  @Test
  void gpuFlavorGivesLimitsSelectorAndToleration() {
    Deployment d = build(TestSpaces.gradio("team", "demo", "a10g-small"), TestFlavors.a10gSmall());
    Container app = app(d);
    PodSpec pod = d.getSpec().getTemplate().getSpec();

    assertThat(app.getResources().getRequests())
        .containsEntry("cpu", new Quantity("4"))
        .containsEntry("memory", new Quantity("15Gi"))
        .doesNotContainKey("nvidia.com/gpu");
    assertThat(app.getResources().getLimits())
        .containsEntry("cpu", new Quantity("4"))
        .containsEntry("nvidia.com/gpu", new Quantity("1"));
    assertThat(pod.getNodeSelector())
        .containsEntry("nvidia.com/gpu.product", "NVIDIA-A10G")
        .containsEntry("pool", "gpu");
    assertThat(pod.getTolerations())
        .anySatisfy(
            t -> {
              assertThat(t.getKey()).isEqualTo("nvidia.com/gpu");
              assertThat(t.getEffect()).isEqualTo("NoSchedule");
            });
    assertThat(plainEnv(d))
        .containsEntry("ACCELERATOR", "a10g-small")
        .containsEntry("CPU_CORES", "4")
        .containsEntry("MEMORY", "15Gi");
  }

  @Test
  void migFlavorToleratesTheGpuTaintAndItsOwnResource() {
    HardwareFlavor mig = TestFlavors.a10gSmall();
    mig.getSpec().getGpu().setResource("nvidia.com/mig-1g.10gb");
    PodSpec pod =
        build(TestSpaces.gradio("team", "demo", "a10g-small"), mig)
            .getSpec()
            .getTemplate()
            .getSpec();
    assertThat(pod.getTolerations())
        .extracting(t -> t.getKey())
        .containsExactly("nvidia.com/gpu", "nvidia.com/mig-1g.10gb");
    assertThat(
            app(build(TestSpaces.gradio("team", "demo", "a10g-small"), mig))
                .getResources()
                .getLimits())
        .containsEntry("nvidia.com/mig-1g.10gb", new Quantity("1"));
  }

  @Test
  void staticSpaceIsToldItsPort() {
    var space = TestSpaces.gradio("team", "demo", null);
    space.getSpec().setSdk(dev.spaceport.api.Sdk.STATIC);
    space.getSpec().setAppPort(8088);
    assertThat(plainEnv(build(space, TestFlavors.cpuBasic()))).containsEntry("PORT", "8088");
  }

  @Test
  void cpuFlavorHasNoGpuAndNoToleration() {
    Deployment d = build(TestSpaces.gradio("team", "demo", null), TestFlavors.cpuBasic());
    assertThat(app(d).getResources().getLimits()).doesNotContainKey("nvidia.com/gpu");
    assertThat(d.getSpec().getTemplate().getSpec().getTolerations()).isEmpty();
    assertThat(plainEnv(d)).containsEntry("ACCELERATOR", "none");
  }

  @Test
  void podIsRestrictedAndRunsAsUser1000() {
    Deployment d = build(TestSpaces.gradio("team", "demo", null), TestFlavors.cpuBasic());
    PodSpec pod = d.getSpec().getTemplate().getSpec();
    assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(1000L);
    assertThat(pod.getSecurityContext().getRunAsGroup()).isEqualTo(1000L);
    assertThat(pod.getSecurityContext().getFsGroup()).isEqualTo(1000L);
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(app(d).getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(app(d).getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(plainEnv(d)).containsEntry("HOME", "/home/user");
  }

  @Test
  void hubEnvironmentVariablesAndSecretsAreSet() {
    Space space =
        TestSpaces.withSecret(TestSpaces.gradio("team", "demo", null), "HF_TOKEN", "hf", "token");
    space.getSpec().setTitle("My Demo");
    space.getSpec().setVariables(Map.of("B", "2", "A", "1"));
    Deployment d = build(space, TestFlavors.cpuBasic());

    assertThat(plainEnv(d))
        .containsEntry("SPACE_ID", "team/demo")
        .containsEntry("SPACE_AUTHOR_NAME", "team")
        .containsEntry("SPACE_REPO_NAME", "demo")
        .containsEntry("SPACE_TITLE", "My Demo")
        .containsEntry("SPACE_HOST", "team-demo.spaces.localhost")
        .containsEntry("GRADIO_SERVER_NAME", "0.0.0.0")
        .containsEntry("GRADIO_SERVER_PORT", "7860")
        .containsEntry("A", "1")
        .containsEntry("B", "2");
    List<String> names = app(d).getEnv().stream().map(EnvVar::getName).toList();
    assertThat(names.indexOf("A")).isLessThan(names.indexOf("B"));
    EnvVar token =
        app(d).getEnv().stream()
            .filter(e -> e.getName().equals("HF_TOKEN"))
            .findFirst()
            .orElseThrow();
    assertThat(token.getValue()).isNull();
    assertThat(token.getValueFrom().getSecretKeyRef().getName()).isEqualTo("hf");
    var projected =
        d.getSpec().getTemplate().getSpec().getVolumes().stream()
            .filter(v -> v.getName().equals("secrets"))
            .findFirst()
            .orElseThrow()
            .getProjected();
    assertThat(projected.getSources().get(0).getSecret().getItems().get(0).getPath())
        .isEqualTo("HF_TOKEN");
    assertThat(app(d).getVolumeMounts())
        .anySatisfy(
            m -> {
              assertThat(m.getMountPath()).isEqualTo("/run/secrets");
              assertThat(m.getReadOnly()).isTrue();
            });
  }

  @Test
  void startupProbeBudgetEqualsStartupTimeoutAndReadinessProbesAppPort() {
    Space space = TestSpaces.gradio("team", "demo", null);
    space.getSpec().setStartupTimeout("1h");
    space.getSpec().setAppPort(9000);
    Container app = app(build(space, TestFlavors.cpuBasic()));
    assertThat(
            app.getStartupProbe().getPeriodSeconds() * app.getStartupProbe().getFailureThreshold())
        .isEqualTo(3600);
    assertThat(app.getStartupProbe().getTcpSocket().getPort().getIntVal()).isEqualTo(9000);
    assertThat(app.getReadinessProbe().getTcpSocket().getPort().getIntVal()).isEqualTo(9000);
    assertThat(app.getPorts().get(0).getContainerPort()).isEqualTo(9000);

    Container byDefault =
        app(build(TestSpaces.gradio("team", "demo", null), TestFlavors.cpuBasic()));
    assertThat(
            byDefault.getStartupProbe().getPeriodSeconds()
                * byDefault.getStartupProbe().getFailureThreshold())
        .isEqualTo(1800);
  }

  @Test
  void pausedSpaceHasNoReplicas() {
    Space space = TestSpaces.gradio("team", "demo", null);
    assertThat(build(space, TestFlavors.cpuBasic()).getSpec().getReplicas()).isEqualTo(1);
    space.getSpec().setPaused(true);
    assertThat(build(space, TestFlavors.cpuBasic()).getSpec().getReplicas()).isZero();
  }

  @Test
  void sleepingSpaceHasNoReplicas() {
    Space space = TestSpaces.gradio("team", "demo", null);
    Deployment asleep =
        SpaceDeploymentDependent.build(
            space, TestFlavors.cpuBasic(), "2026-11-26T12:00:00Z", TestConfig.defaults());
    assertThat(asleep.getSpec().getReplicas()).isZero();
    assertThat(asleep.getMetadata().getAnnotations())
        .containsEntry(SpaceLabels.SLEEPING_SINCE, "2026-11-26T12:00:00Z");
  }

  @Test
  void restartedAtChangesTheTemplateAndItsHash() {
    Space space = TestSpaces.gradio("team", "demo", null);
    Deployment before = build(space, TestFlavors.cpuBasic());
    TestSpaces.annotated(
        space, Map.of(SpaceLabels.RESTARTED_AT, "2026-11-26T12:00:00Z", "unrelated", "x"));
    Deployment after = build(space, TestFlavors.cpuBasic());

    Map<String, String> annotations = after.getSpec().getTemplate().getMetadata().getAnnotations();
    assertThat(annotations)
        .containsEntry(SpaceLabels.RESTARTED_AT, "2026-11-26T12:00:00Z")
        .doesNotContainKey("unrelated");
    assertThat(annotations.get(SpaceLabels.TEMPLATE_HASH))
        .isNotEqualTo(
            before
                .getSpec()
                .getTemplate()
                .getMetadata()
                .getAnnotations()
                .get(SpaceLabels.TEMPLATE_HASH));
  }

  @Test
  void sameInputsGiveTheSameDeployment() {
    Space space =
        TestSpaces.withSecret(
            TestSpaces.gradio("team", "demo", "a10g-small"), "HF_TOKEN", "hf", "token");
    space.getSpec().setVariables(Map.of("X", "1", "Y", "2"));
    assertThat(build(space, TestFlavors.a10gSmall()))
        .isEqualTo(build(space, TestFlavors.a10gSmall()));
  }

  @Test
  void gitSourceClonesIntoTheAppDirectoryAndRunsTheSdksRuntimeImage() {
    Space space = TestSpaces.gradio("team", "demo", null);
    GitSource git = new GitSource();
    git.setUrl("https://huggingface.co/spaces/acme/demo");
    git.setRevision("v2");
    SpaceSource source = new SpaceSource();
    source.setGit(git);
    space.getSpec().setSource(source);
    space.getSpec().setAppFile("src/app.py");
    Deployment d = build(space, TestFlavors.cpuBasic());

    Container clone = d.getSpec().getTemplate().getSpec().getInitContainers().get(0);
    assertThat(clone.getImage()).isEqualTo("git-clone:1");
    assertThat(clone.getEnv())
        .anySatisfy(
            e -> assertThat(e.getValue()).isEqualTo("https://huggingface.co/spaces/acme/demo"));
    assertThat(clone.getVolumeMounts())
        .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/home/user/app"));
    assertThat(app(d).getImage()).isEqualTo("runtime-gradio:1");
    assertThat(plainEnv(d)).containsEntry("SPACE_APP_FILE", "src/app.py");
  }
}
