package dev.spaceport.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spaceport.testing.TestFlavors;
import dev.spaceport.testing.TestSpaces;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlavorCatalogTest {

  private final FlavorCatalog catalog =
      new FlavorCatalog(
          List.of(TestFlavors.named("t4-small", false), TestFlavors.named("cpu-basic", true)));

  @Test
  void namedFlavorIsFound() {
    assertThat(catalog.resolve(TestSpaces.gradio("ns", "s", "t4-small")))
        .hasValueSatisfying(f -> assertThat(f.getMetadata().getName()).isEqualTo("t4-small"));
  }

  @Test
  void noNameMeansTheDefaultFlavor() {
    var space = TestSpaces.gradio("ns", "s", null);
    assertThat(catalog.resolve(space))
        .hasValueSatisfying(f -> assertThat(f.getMetadata().getName()).isEqualTo("cpu-basic"));
    assertThat(catalog.requestedName(space)).isEqualTo("cpu-basic");
  }

  @Test
  void unknownFlavorIsExplainedWithTheFlavorsThatExist() {
    var space = TestSpaces.gradio("ns", "s", "tpu-v9");
    assertThat(catalog.resolve(space)).isEmpty();
    assertThat(catalog.whyNot(space))
        .isEqualTo(
            "unknown hardware flavor tpu-v9; the flavors that exist are: cpu-basic, t4-small");
  }

  @Test
  void twoDefaultsAreNoDefault() {
    var ambiguous =
        new FlavorCatalog(List.of(TestFlavors.named("a", true), TestFlavors.named("b", true)));
    var space = TestSpaces.gradio("ns", "s", null);
    assertThat(ambiguous.resolve(space)).isEmpty();
    assertThat(ambiguous.whyNot(space)).startsWith("2 hardware flavors claim to be the default");
  }
}
