package dev.spaceport.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.spaceport.testing.ClusterExtension;
import dev.spaceport.testing.TestCluster;
import dev.spaceport.testing.TestNamespace;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Admission validation of Spaces, from the committed CRD's schema and CEL rules: every manifest in
 * {@code src/test/resources/invalid-spaces} is refused with a message naming the bad field, every
 * manifest in {@code src/test/resources/valid-spaces} is accepted. Adding a file adds a case.
 *
 * <p>Each invalid manifest starts with {@code # expect: <field path>: <rest of the apiserver's
 * message>}; the part before the first {@code ": "} is the field path the apiserver must name, or
 * {@code <nil>} for a rule at the schema's root (metadata.name), whose message names the field.
 *
 * <p>Manifests are sent as generic resources, never through the {@link Space} class, so that what
 * the apiserver sees is the file as written (the typed model would refuse an unknown sdk itself, or
 * turn a number into a string, before the apiserver could).
 */
@ExtendWith(ClusterExtension.class)
class SpaceValidationIT {

  private static final String EXPECT = "# expect: ";

  @BeforeAll
  static void installCrds() {
    TestCluster.get().installCrds();
  }

  static Stream<Named<Path>> invalidSpaces() throws IOException {
    return manifests("invalid-spaces");
  }

  static Stream<Named<Path>> validSpaces() throws IOException {
    return manifests("valid-spaces");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidSpaces")
  void invalidSpaceIsRefusedWithAMessageNamingTheField(
      Path file, KubernetesClient client, TestNamespace ns) throws IOException {
    String expected = expectation(file);
    String field = expected.substring(0, expected.indexOf(": "));

    KubernetesClientException refused =
        catchThrowableOfType(KubernetesClientException.class, () -> dryRunCreate(client, ns, file));

    assertThat(refused).as("%s was accepted", file.getFileName()).isNotNull();
    assertThat(refused.getCode())
        .as("HTTP status; apiserver said: %s", refused.getMessage())
        .isEqualTo(422);
    assertThat(refused.getStatus().getMessage()).contains(expected);
    // The field must also be in the structured causes, which is what kubectl and UIs point at.
    assertThat(refused.getStatus().getDetails().getCauses())
        .extracting(StatusCause::getField)
        .contains(field);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validSpaces")
  void validSpaceIsAccepted(Path file, KubernetesClient client, TestNamespace ns)
      throws IOException {
    GenericKubernetesResource accepted = dryRunCreate(client, ns, file);

    assertThat(accepted.getMetadata().getNamespace()).isEqualTo(ns.name());
  }

  /**
   * Server-side dry run: full admission (schema, CEL) without storing anything an operator could
   * act on.
   */
  private static GenericKubernetesResource dryRunCreate(
      KubernetesClient client, TestNamespace ns, Path file) throws IOException {
    GenericKubernetesResource space =
        client
            .getKubernetesSerialization()
            .unmarshal(Files.readString(file), GenericKubernetesResource.class);
    assertThat(space.getApiVersion())
        .as("apiVersion of %s", file.getFileName())
        .isEqualTo("spaceport.dev/v1alpha1");
    assertThat(space.getKind()).as("kind of %s", file.getFileName()).isEqualTo("Space");
    space.getMetadata().setNamespace(ns.name());
    return client
        .genericKubernetesResources(space.getApiVersion(), space.getKind())
        .inNamespace(ns.name())
        .resource(space)
        .dryRun()
        .create();
  }

  private static String expectation(Path file) throws IOException {
    String first = Files.readAllLines(file).get(0);
    assertThat(first).as("first line of %s", file.getFileName()).startsWith(EXPECT);
    String expected = first.substring(EXPECT.length()).strip();
    assertThat(expected)
        .as(
            "the expectation of %s must start with the field path, e.g. spec.appPort: ...",
            file.getFileName())
        .matches("(spec(\\.[A-Za-z0-9_]+(\\[[0-9]+\\])?)*|<nil>): .+");
    return expected;
  }

  private static Stream<Named<Path>> manifests(String directory) throws IOException {
    Path dir = TestCluster.repoRoot().resolve("src/test/resources").resolve(directory);
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(f -> f.toString().endsWith(".yaml"))
          .sorted()
          .map(f -> Named.of(f.getFileName().toString(), f))
          .toList()
          .stream();
    }
  }
}
