package dev.spaceport.images;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spaceport.api.Sdk;
import dev.spaceport.config.SpaceportConfig;
import dev.spaceport.testing.Dockerfiles;
import io.smallrye.config.WithDefault;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * No Docker engine runs on the project's machines, so every Dockerfile is checked for what we
 * promise instead: a non-root USER, the exposed ports equal to the configured ones, base images
 * pinned to a version tag (never latest), and no secret baked into ARG or ENV.
 */
class DockerfilesTest {

  private static final Path ROOT = Path.of(System.getProperty("user.dir"));
  private static final Pattern SECRET_NAME =
      Pattern.compile("(?i).*(token|secret|password|passwd|api_?key|private_?key).*");
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{?(\\w+)}?");

  /** Every Dockerfile in the project, and the ports its image must expose. */
  static Stream<Path> dockerfiles() throws IOException {
    try (Stream<Path> files = Files.walk(ROOT)) {
      return files
          .filter(
              f ->
                  f.getFileName().toString().matches("Dockerfile(\\.[a-z]+)?")
                      && !f.toString().endsWith(".java"))
          .filter(
              f ->
                  !ROOT.relativize(f).startsWith("target")
                      && !ROOT.relativize(f).toString().contains("/target/"))
          .map(ROOT::relativize)
          .sorted()
          .toList()
          .stream();
    }
  }

  private static Set<Integer> expectedPorts(Path dockerfile) throws Exception {
    return switch (dockerfile.toString()) {
      // The reference workload and the runtime images serve their sdk's default appPort.
      case "workloads/arr-coc/Dockerfile", "images/runtime-gradio/Dockerfile" ->
          Set.of(Sdk.GRADIO.defaultPort());
      case "images/runtime-streamlit/Dockerfile" -> Set.of(Sdk.STREAMLIT.defaultPort());
      case "images/runtime-static/Dockerfile" -> Set.of(Sdk.STATIC.defaultPort());
      // An init container: it serves nothing.
      case "images/git-clone/Dockerfile" -> Set.of();
      // The gateway's and the hub's default ports and the management port, as configured.
      case "src/main/docker/Dockerfile.jvm" ->
          Set.of(
              Integer.parseInt(
                  SpaceportConfig.Gateway.class
                      .getMethod("port")
                      .getAnnotation(WithDefault.class)
                      .value()),
              Integer.parseInt(
                  SpaceportConfig.Hub.class
                      .getMethod("port")
                      .getAnnotation(WithDefault.class)
                      .value()),
              Integer.parseInt(applicationProperties().getProperty("quarkus.management.port")));
      default ->
          throw new AssertionError(
              dockerfile + " is new: say in DockerfilesTest which ports it must expose");
    };
  }

  @ParameterizedTest
  @MethodSource("dockerfiles")
  void dockerfileKeepsThePromises(Path dockerfile) throws Exception {
    List<Dockerfiles.Instruction> instructions = Dockerfiles.instructions(ROOT.resolve(dockerfile));
    Map<String, String> args = new HashMap<>();
    Set<String> stages = new HashSet<>();
    String user = null;
    Set<Integer> exposed = new HashSet<>();
    for (Dockerfiles.Instruction instruction : instructions) {
      String keyword = instruction.keyword();
      String rest = instruction.arguments();
      switch (keyword) {
        case "ARG" -> {
          String[] nameValue = rest.split("=", 2);
          args.put(nameValue[0].trim(), nameValue.length > 1 ? nameValue[1].trim() : "");
          assertNoSecret(
              dockerfile, "ARG", nameValue[0].trim(), nameValue.length > 1 ? nameValue[1] : "");
        }
        case "ENV" -> {
          Matcher pair = Pattern.compile("(\\w+)=(\"[^\"]*\"|\\S*)").matcher(rest);
          while (pair.find()) {
            assertNoSecret(dockerfile, "ENV", pair.group(1), pair.group(2));
          }
        }
        case "FROM" -> {
          String[] words = rest.split("\\s+");
          String image = expand(words[0], args);
          if (words.length >= 3 && words[1].equalsIgnoreCase("AS")) {
            stages.add(words[2]);
          }
          if (!stages.contains(image) && !isEarlierStage(words[0], stages)) {
            assertThat(image)
                .as("%s: base image %s pinned to a version tag", dockerfile, image)
                .matches(".*(:[\\w.-]+|@sha256:[0-9a-f]{64})$")
                .doesNotEndWith(":latest");
          }
        }
        case "USER" -> user = rest.trim();
        case "EXPOSE" -> {
          for (String port : rest.trim().split("\\s+")) {
            exposed.add(Integer.parseInt(port.replace("/tcp", "")));
          }
        }
        default -> {}
      }
    }
    assertThat(user).as("%s: the last USER", dockerfile).isNotNull().isNotIn("root", "0", "0:0");
    assertThat(exposed).as("%s: exposed ports", dockerfile).isEqualTo(expectedPorts(dockerfile));
  }

  /** A FROM like base-${FLAVOR} picks one of the file's own stages. */
  private static boolean isEarlierStage(String from, Set<String> stages) {
    if (!VARIABLE.matcher(from).find()) {
      return false;
    }
    String pattern = VARIABLE.matcher(Pattern.quote(from)).replaceAll("\\\\E.*\\\\Q");
    return stages.stream().anyMatch(stage -> stage.matches(pattern));
  }

  private static String expand(String text, Map<String, String> args) {
    return VARIABLE
        .matcher(text)
        .replaceAll(m -> Matcher.quoteReplacement(args.getOrDefault(m.group(1), m.group())));
  }

  private static void assertNoSecret(Path dockerfile, String keyword, String name, String value) {
    if (SECRET_NAME.matcher(name).matches()) {
      assertThat(value.replace("\"", "").trim())
          .as("%s: %s %s must not carry a value", dockerfile, keyword, name)
          .isEmpty();
    }
  }

  private static Properties applicationProperties() throws IOException {
    Properties properties = new Properties();
    try (var in = Files.newInputStream(ROOT.resolve("src/main/resources/application.properties"))) {
      properties.load(in);
    }
    return properties;
  }
}
