package dev.spaceport.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spaceport.api.GitSource;
import dev.spaceport.api.Sdk;
import dev.spaceport.api.Space;
import dev.spaceport.config.SpaceportConfig;
import dev.spaceport.testing.Dockerfiles;
import dev.spaceport.testing.TestConfig;
import dev.spaceport.testing.TestFlavors;
import dev.spaceport.testing.TestSpaces;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.smallrye.config.WithDefault;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The images in images/ against what the Deployment builder expects of them: every image the
 * configuration names by default is built here at that version, and each one runs as the pod's
 * user, with the pod's HOME, in the folder where the pod mounts the cloned repository, and reads
 * the variables the operator gives it.
 */
class RuntimeImagesTest {

  private static final Path IMAGES = Path.of(System.getProperty("user.dir"), "images");

  /**
   * SpaceportConfig.Runtime's images, e.g. gradioImage: ghcr.io/spaceport-dev/runtime-gradio:0.1.0.
   */
  static Stream<Method> runtimeImages() {
    return Arrays.stream(SpaceportConfig.Runtime.class.getMethods())
        .filter(m -> m.isAnnotationPresent(WithDefault.class));
  }

  @ParameterizedTest
  @MethodSource("runtimeImages")
  void defaultImageIsBuiltHereAtItsVersion(Method image) throws IOException {
    String reference = image.getAnnotation(WithDefault.class).value();
    Path dockerfile = dockerfile(image);
    assertThat(dockerfile).as("the Dockerfile of %s", reference).exists();
    assertThat(Dockerfiles.pairs(Dockerfiles.instructions(dockerfile), "LABEL"))
        .as("%s: the version it is pushed as", dockerfile)
        .containsEntry(
            "org.opencontainers.image.version",
            reference.substring(reference.lastIndexOf(':') + 1));
  }

  @ParameterizedTest
  @EnumSource(
      value = Sdk.class,
      names = {"GRADIO", "STREAMLIT", "STATIC"})
  void imagesFitTheGitSourcePod(Sdk sdk) throws Exception {
    PodSpec pod =
        SpaceDeploymentDependent.build(
                gitSpace(sdk), TestFlavors.cpuBasic(), null, TestConfig.defaults())
            .getSpec()
            .getTemplate()
            .getSpec();
    assertFits(pod.getContainers().get(0), pod);
    assertFits(pod.getInitContainers().get(0), pod);
  }

  private static void assertFits(Container container, PodSpec pod) throws Exception {
    Path dockerfile = dockerfile(configuredAs(container.getImage()));
    List<Dockerfiles.Instruction> instructions = Dockerfiles.instructions(dockerfile);
    assertThat(Dockerfiles.last(instructions, "USER"))
        .as("%s: USER, the pod's runAsUser", dockerfile)
        .contains(pod.getSecurityContext().getRunAsUser().toString());
    assertThat(Dockerfiles.pairs(instructions, "ENV"))
        .as("%s: HOME", dockerfile)
        .containsEntry("HOME", SpacePodTemplate.HOME);
    String appMount =
        container.getVolumeMounts().stream()
            .filter(m -> m.getName().equals("app"))
            .map(VolumeMount::getMountPath)
            .findFirst()
            .orElseThrow();
    assertThat(Dockerfiles.last(instructions, "WORKDIR"))
        .as("%s: WORKDIR, where the repository is mounted", dockerfile)
        .contains(appMount);
    // The variables the operator sets for a git source are read by the image's own scripts.
    String scripts = copiedFiles(dockerfile, instructions);
    container.getEnv().stream()
        .map(EnvVar::getName)
        .filter(
            name ->
                name.startsWith("GIT_")
                    || List.of("SPACE_APP_FILE", "SDK_VERSION", "PYTHON_VERSION", "PORT")
                        .contains(name))
        // A whole word: PORT is not GRADIO_SERVER_PORT.
        .forEach(
            name ->
                assertThat(scripts)
                    .as("%s's scripts read %s", dockerfile, name)
                    .containsPattern("\\b" + name + "\\b"));
  }

  /**
   * The Runtime setting whose value the builder used (TestConfig's names stand for the real ones).
   */
  private static Method configuredAs(String image) {
    return runtimeImages()
        .filter(m -> image.equals(invoke(m, TestConfig.defaults().runtime())))
        .findFirst()
        .orElseThrow();
  }

  private static Path dockerfile(Method image) {
    String reference = image.getAnnotation(WithDefault.class).value();
    String name = reference.substring(reference.lastIndexOf('/') + 1, reference.lastIndexOf(':'));
    return IMAGES.resolve(name).resolve("Dockerfile");
  }

  /**
   * The text of the files the Dockerfile copies, from its own folder or images/ (the context of the
   * Python runtimes).
   */
  private static String copiedFiles(Path dockerfile, List<Dockerfiles.Instruction> instructions) {
    return instructions.stream()
        .filter(i -> i.keyword().equals("COPY"))
        .map(
            i ->
                Arrays.stream(i.arguments().split("\\s+"))
                    .filter(w -> !w.startsWith("--"))
                    .findFirst()
                    .orElseThrow())
        .map(
            source ->
                Files.exists(dockerfile.resolveSibling(source))
                    ? dockerfile.resolveSibling(source)
                    : IMAGES.resolve(source))
        .map(RuntimeImagesTest::read)
        .collect(Collectors.joining("\n"));
  }

  private static Space gitSpace(Sdk sdk) {
    Space space = TestSpaces.gradio("team", "demo", "cpu-basic");
    space.getSpec().setSdk(sdk);
    space.getSpec().setAppFile(sdk == Sdk.STATIC ? "index.html" : "app.py");
    space.getSpec().setSdkVersion(sdk == Sdk.STATIC ? null : "1.0.0");
    space.getSpec().setPythonVersion(sdk == Sdk.STATIC ? null : "3.11");
    GitSource git = new GitSource();
    git.setUrl("https://git.spaceport.test/team/demo");
    git.setRevision("main");
    git.setCredentialsSecret("demo-git");
    space.getSpec().getSource().setImage(null);
    space.getSpec().getSource().setGit(git);
    return space;
  }

  private static Object invoke(Method method, Object target) {
    try {
      return method.invoke(target);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
