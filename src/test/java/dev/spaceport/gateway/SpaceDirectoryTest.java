package dev.spaceport.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spaceport.api.Space;
import dev.spaceport.api.SpaceSpec;
import dev.spaceport.gateway.SpaceDirectory.SpaceKey;
import dev.spaceport.testing.TestConfig;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Host → Space when Spaces claim the same host: the routing table does not depend on event order.
 */
class SpaceDirectoryTest {

  private static Space space(String namespace, String name, String created, String... domains) {
    SpaceSpec spec = new SpaceSpec();
    spec.setDomains(domains.length == 0 ? null : List.of(domains));
    Space space = new Space();
    space.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace(namespace)
            .withName(name)
            .withCreationTimestamp(created)
            .build());
    space.setSpec(spec);
    return space;
  }

  @Test
  void aCustomDomainCannotTakeAnotherSpacesOwnHost() {
    Space owner = space("team", "demo", "2026-11-26T10:00:00Z");
    Space squatter =
        space(
            "other",
            "grab",
            "2026-11-25T10:00:00Z",
            "team-demo.spaces.localhost",
            "grab.example.com");
    for (List<Space> order : List.of(List.of(owner, squatter), List.of(squatter, owner))) {
      SpaceDirectory directory = new SpaceDirectory(TestConfig.defaults());
      order.forEach(directory::put);

      assertThat(directory.route("team-demo.spaces.localhost"))
          .contains(new SpaceKey("team", "demo"));
      assertThat(directory.route("grab.example.com:8080")).contains(new SpaceKey("other", "grab"));
    }
  }

  @Test
  void theOlderSpaceKeepsASharedHostAndTheOtherGetsItWhenItGoes() {
    // team-a/b and team/a-b are both team-a-b.<domain>.
    Space older = space("team-a", "b", "2026-11-25T10:00:00Z");
    Space newer = space("team", "a-b", "2026-11-26T10:00:00Z");
    for (List<Space> order : List.of(List.of(older, newer), List.of(newer, older))) {
      SpaceDirectory directory = new SpaceDirectory(TestConfig.defaults());
      order.forEach(directory::put);

      assertThat(directory.route("team-a-b.spaces.localhost"))
          .contains(new SpaceKey("team-a", "b"));
      directory.remove(older);
      assertThat(directory.route("team-a-b.spaces.localhost"))
          .contains(new SpaceKey("team", "a-b"));
      directory.remove(newer);
      assertThat(directory.route("team-a-b.spaces.localhost")).isEmpty();
    }
  }

  @Test
  void aDomainDroppedFromASpaceNoLongerRoutesToIt() {
    SpaceDirectory directory = new SpaceDirectory(TestConfig.defaults());
    directory.put(space("team", "demo", "2026-11-26T10:00:00Z", "demo.example.com"));
    directory.put(space("team", "demo", "2026-11-26T10:00:00Z"));

    assertThat(directory.route("demo.example.com")).isEmpty();
    assertThat(directory.route("TEAM-DEMO.spaces.localhost"))
        .contains(new SpaceKey("team", "demo"));
  }
}
