package dev.spaceport.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spaceport.testing.TestCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The CRDs committed in {@code crds/} are exactly those the build generates from the Java types
 * (target/kubernetes/*.spaceport.dev-v1.yml, written by {@code package}, which Failsafe runs
 * after). Users and the chart install the committed copy, so a type change without {@code make
 * crds} would ship a CRD that no longer matches the operator. No cluster is needed.
 */
class CrdDriftIT {

  private static final String GENERATED_SUFFIX = "-v1.yml";
  private static final String FIX = "Run `make crds` and commit crds/.";

  @Test
  void committedCrdsAreTheOnesTheBuildGenerates() throws IOException {
    Map<String, Path> generated =
        crds(TestCluster.repoRoot().resolve("target/kubernetes"), GENERATED_SUFFIX);
    Map<String, Path> committed = crds(TestCluster.repoRoot().resolve("crds"), ".yaml");
    assertThat(generated)
        .as("CRDs generated in target/kubernetes; run `mvn package` first")
        .isNotEmpty();

    assertThat(committed.keySet())
        .as("CRDs in crds/ vs generated ones. " + FIX)
        .isEqualTo(generated.keySet());
    for (String name : generated.keySet()) {
      Optional<String> difference =
          firstDifference(
              Files.readAllLines(committed.get(name)), Files.readAllLines(generated.get(name)));
      assertThat(difference)
          .as(
              "crds/%s.yaml differs from %s. %s",
              name, TestCluster.repoRoot().relativize(generated.get(name)), FIX)
          .isEmpty();
    }
  }

  /** The project's CRDs (group spaceport.dev) in a directory, by CRD name. */
  private static Map<String, Path> crds(Path dir, String suffix) throws IOException {
    if (!Files.isDirectory(dir)) {
      return Map.of();
    }
    Map<String, Path> byName = new TreeMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      files
          .filter(f -> f.getFileName().toString().endsWith(".spaceport.dev" + suffix))
          .forEach(f -> byName.put(f.getFileName().toString().replace(suffix, ""), f));
    }
    return byName;
  }

  /**
   * The first line where the committed copy differs from the generated CRD, both shown; empty if
   * none.
   */
  private static Optional<String> firstDifference(List<String> committed, List<String> generated) {
    for (int i = 0; i < Math.max(committed.size(), generated.size()); i++) {
      String have = i < committed.size() ? committed.get(i) : "<end of file>";
      String want = i < generated.size() ? generated.get(i) : "<end of file>";
      if (!have.equals(want)) {
        return Optional.of(
            "line " + (i + 1) + ":\n  committed: " + have + "\n  generated: " + want);
      }
    }
    return Optional.empty();
  }
}
