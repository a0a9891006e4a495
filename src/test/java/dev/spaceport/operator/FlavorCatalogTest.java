package dev.spaceport.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spaceport.api.HardwareFlavor;
import dev.spaceport.api.HardwareFlavorSpec;
import dev.spaceport.testing.TestSpaces;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlavorCatalogTest {

  static HardwareFlavor flavor(String name, boolean isDefault) {
    HardwareFlavor flavor = new HardwareFlavor();
    flavor.setMetadata(new ObjectMetaBuilder().withName(name).build());
    HardwareFlavorSpec spec = new HardwareFlavorSpec();
    spec.setDefault(isDefault);
    flavor.setSpec(spec);
    return flavor;
  }

  private final FlavorCatalog catalog =
      new FlavorCatalog(List.of(flavor("t4-small", false), flavor("cpu-basic", true)));

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
    var ambiguous = new FlavorCatalog(List.of(flavor("a", true), flavor("b", true)));
    var space = TestSpaces.gradio("ns", "s", null);
    assertThat(ambiguous.resolve(space)).isEmpty();
    assertThat(ambiguous.whyNot(space)).startsWith("2 hardware flavors claim to be the default");
  }
}
