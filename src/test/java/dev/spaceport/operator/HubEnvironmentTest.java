package dev.spaceport.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spaceport.api.GitSource;
import dev.spaceport.api.HardwareFlavor;
import dev.spaceport.api.Sdk;
import dev.spaceport.api.Space;
import dev.spaceport.api.SpaceSource;
import dev.spaceport.api.SpaceSpec;
import dev.spaceport.testing.TestConfig;
import dev.spaceport.testing.TestFlavors;
import dev.spaceport.testing.TestSpaces;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every variable of the Hub's environment contract, in order, for each kind of Space. */
class HubEnvironmentTest {

  private static final String SECRET = "secret:";

  private static final List<String> COMMON_CPU =
      List.of(
          "SPACE_ID=team/demo",
          "SPACE_AUTHOR_NAME=team",
          "SPACE_REPO_NAME=demo",
          "SPACE_TITLE=demo",
          "SPACE_HOST=team-demo.spaces.localhost",
          "ACCELERATOR=none",
          "CPU_CORES=2",
          "MEMORY=16Gi",
          "HOME=/home/user");

  static Stream<Arguments> spaces() {
    return Stream.of(
        Arguments.of(
            "gradio image on cpu",
            change(s -> {}),
            TestFlavors.cpuBasic(),
            concat(COMMON_CPU, "GRADIO_SERVER_NAME=0.0.0.0", "GRADIO_SERVER_PORT=7860")),
        Arguments.of(
            "gradio on a GPU flavor, titled, own port",
            change(
                s -> {
                  s.getSpec().setTitle("Relevance demo");
                  s.getSpec().setAppPort(7861);
                }),
            TestFlavors.a10gSmall(),
            List.of(
                "SPACE_ID=team/demo",
                "SPACE_AUTHOR_NAME=team",
                "SPACE_REPO_NAME=demo",
                "SPACE_TITLE=Relevance demo",
                "SPACE_HOST=team-demo.spaces.localhost",
                "ACCELERATOR=a10g-small",
                "CPU_CORES=4",
                "MEMORY=15Gi",
                "HOME=/home/user",
                "GRADIO_SERVER_NAME=0.0.0.0",
                "GRADIO_SERVER_PORT=7861")),
        Arguments.of(
            "streamlit",
            change(s -> s.getSpec().setSdk(Sdk.STREAMLIT)),
            TestFlavors.cpuBasic(),
            concat(COMMON_CPU, "STREAMLIT_SERVER_PORT=8501")),
        Arguments.of(
            "static",
            change(s -> s.getSpec().setSdk(Sdk.STATIC)),
            TestFlavors.cpuBasic(),
            concat(COMMON_CPU, "PORT=8080")),
        Arguments.of(
            "docker: nothing sdk-specific",
            change(s -> s.getSpec().setSdk(Sdk.DOCKER)),
            TestFlavors.cpuBasic(),
            COMMON_CPU),
        Arguments.of(
            "git source with README settings",
            change(
                s -> {
                  fromGit(s);
                  s.getSpec().setAppFile("src/app.py");
                  s.getSpec().setSdkVersion("5.9.1");
                  s.getSpec().setPythonVersion("3.11");
                }),
            TestFlavors.cpuBasic(),
            concat(
                COMMON_CPU,
                "GRADIO_SERVER_NAME=0.0.0.0",
                "GRADIO_SERVER_PORT=7860",
                "SPACE_APP_FILE=src/app.py",
                "SDK_VERSION=5.9.1",
                "PYTHON_VERSION=3.11")),
        Arguments.of(
            "git source without settings: app.py",
            change(
                s -> {
                  fromGit(s);
                }),
            TestFlavors.cpuBasic(),
            concat(
                COMMON_CPU,
                "GRADIO_SERVER_NAME=0.0.0.0",
                "GRADIO_SERVER_PORT=7860",
                "SPACE_APP_FILE=app.py")),
        Arguments.of(
            "variables sorted, then secrets by reference",
            change(
                s -> {
                  s.getSpec().setVariables(Map.of("ZETA", "z", "ALPHA", "a"));
                  TestSpaces.withSecret(s, "HF_TOKEN", "hf", "token");
                }),
            TestFlavors.cpuBasic(),
            concat(
                COMMON_CPU,
                "GRADIO_SERVER_NAME=0.0.0.0",
                "GRADIO_SERVER_PORT=7860",
                "ALPHA=a",
                "ZETA=z",
                "HF_TOKEN=" + SECRET + "hf/token")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("spaces")
  void environmentIsTheHubs(
      String kind, Consumer<Space> change, HardwareFlavor flavor, List<String> expected) {
    Space space = TestSpaces.gradio("team", "demo", flavor.getMetadata().getName());
    change.accept(space);
    List<String> env =
        HubEnvironment.of(space, flavor, TestConfig.defaults()).stream()
            .map(HubEnvironmentTest::show)
            .toList();
    assertThat(env).containsExactlyElementsOf(expected);
  }

  /** A plain variable as NAME=value, a secret's as NAME=secret:name/key: its value never inline. */
  private static String show(EnvVar var) {
    if (var.getValueFrom() != null) {
      assertThat(var.getValue()).isNull();
      var ref = var.getValueFrom().getSecretKeyRef();
      return var.getName() + "=" + SECRET + ref.getName() + "/" + ref.getKey();
    }
    return var.getName() + "=" + var.getValue();
  }

  private static void fromGit(Space space) {
    GitSource git = new GitSource();
    git.setUrl("https://git.example.test/team/demo.git");
    SpaceSource source = new SpaceSource();
    source.setGit(git);
    space.getSpec().setSource(source);
  }

  private static Consumer<Space> change(Consumer<Space> change) {
    return change;
  }

  private static List<String> concat(List<String> head, String... tail) {
    return Stream.concat(head.stream(), Stream.of(tail)).toList();
  }

  /** The CRD refuses variables and secrets named like these (SpaceSpec.HUB_VARIABLES). */
  @ParameterizedTest(name = "{0}")
  @MethodSource("spaces")
  void everyVariableSpaceportSetsIsReservedByTheSpaceApi(
      String kind, Consumer<Space> change, HardwareFlavor flavor, List<String> expected) {
    Space space = TestSpaces.gradio("team", "demo", flavor.getMetadata().getName());
    change.accept(space);
    var userNames = new java.util.HashSet<String>();
    Optional.ofNullable(space.getSpec().getVariables())
        .ifPresent(v -> userNames.addAll(v.keySet()));
    Optional.ofNullable(space.getSpec().getSecrets())
        .ifPresent(secrets -> secrets.forEach(secret -> userNames.add(secret.getName())));
    List<String> own =
        HubEnvironment.of(space, flavor, TestConfig.defaults()).stream()
            .map(EnvVar::getName)
            .filter(name -> !userNames.contains(name))
            .toList();
    assertThat(own)
        .isNotEmpty()
        .allSatisfy(name -> assertThat(name).matches(SpaceSpec.HUB_VARIABLES));
  }
}
