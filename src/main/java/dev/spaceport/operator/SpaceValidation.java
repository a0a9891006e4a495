package dev.spaceport.operator;

import dev.spaceport.api.HardwareFlavor;
import dev.spaceport.api.Space;
import dev.spaceport.api.SpaceSecret;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * What the API server admits but the operator cannot run: a flavor that does not exist, a Secret or
 * key that is missing. Pure: Secrets come through a look-up. Never reads out a Secret's value.
 */
final class SpaceValidation {

  static final String FLAVOR_NOT_FOUND = "FlavorNotFound";
  static final String SECRET_NOT_FOUND = "SecretNotFound";

  /** Why the spec cannot be run as it is: a CamelCase reason and a message for people. */
  record Invalid(String reason, String message) {}

  /** The Space's flavor, or why it cannot be run. */
  record Result(Optional<HardwareFlavor> flavor, Optional<Invalid> invalid) {
    boolean valid() {
      return invalid.isEmpty();
    }
  }

  private SpaceValidation() {}

  /**
   * @param secrets a Secret of the Space's namespace by name, or null when it does not exist
   */
  static Result validate(Space space, FlavorCatalog catalog, Function<String, Secret> secrets) {
    Optional<HardwareFlavor> flavor = catalog.resolve(space);
    if (flavor.isEmpty()) {
      return new Result(flavor, Optional.of(new Invalid(FLAVOR_NOT_FOUND, catalog.whyNot(space))));
    }
    Optional<String> unknownFallback = catalog.unknownFallback(space);
    if (unknownFallback.isPresent()) {
      return new Result(flavor, Optional.of(new Invalid(FLAVOR_NOT_FOUND, unknownFallback.get())));
    }
    Optional<Invalid> missing =
        missingSecrets(space, secrets).map(message -> new Invalid(SECRET_NOT_FOUND, message));
    return new Result(flavor, missing);
  }

  private static Optional<String> missingSecrets(Space space, Function<String, Secret> secrets) {
    List<String> missing = new ArrayList<>();
    List<SpaceSecret> wanted = Optional.ofNullable(space.getSpec().getSecrets()).orElse(List.of());
    for (SpaceSecret secret : wanted) {
      String name = secret.getSecretRef().getName();
      Secret found = secrets.apply(name);
      if (found == null) {
        missing.add(secret.getName() + " (Secret " + name + " does not exist)");
      } else if (found.getData() == null
          || !found.getData().containsKey(secret.getSecretRef().getKey())) {
        missing.add(
            secret.getName()
                + " (Secret "
                + name
                + " has no key "
                + secret.getSecretRef().getKey()
                + ")");
      }
    }
    var git = space.getSpec().getSource().getGit();
    if (git != null
        && git.getCredentialsSecret() != null
        && secrets.apply(git.getCredentialsSecret()) == null) {
      missing.add(
          "source.git.credentialsSecret (Secret "
              + git.getCredentialsSecret()
              + " does not exist)");
    }
    return missing.isEmpty()
        ? Optional.empty()
        : Optional.of("missing secrets: " + String.join(", ", missing));
  }
}
