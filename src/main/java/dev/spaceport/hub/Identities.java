package dev.spaceport.hub;

import dev.spaceport.config.SpaceportConfig;
import dev.spaceport.rules.Hashes;
import dev.spaceport.rules.SpaceAccessReviews;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Tokens are Kubernetes' own: the API server's TokenReview says who holds one, so the hub keeps no
 * user table. A token reaches the hub as {@code Authorization: Bearer} (the Hub's client) or as the
 * password of Basic auth (git).
 */
@ApplicationScoped
class Identities {

  /** Reviews are cached by the token's hash, so a script's hundred calls cost one review. */
  private static final Duration TTL = Duration.ofSeconds(30);

  private final TtlCache<Optional<Caller>> reviews = new TtlCache<>(TTL, 10_000);

  @Inject KubernetesClient client;

  @Inject SpaceportConfig config;

  /** The caller, anonymous without a token; a token the API server does not accept is a 401. */
  Caller authenticate(String authorization) {
    Optional<String> token = token(authorization);
    if (token.isEmpty()) {
      return Caller.anonymous();
    }
    return reviews
        .get(Hashes.sha256Hex(token.get(), 64), () -> review(token.get()))
        .orElseThrow(HubError::unauthorized);
  }

  /** The caller; a missing token is a 401 too (whoami, create). */
  Caller requireUser(String authorization) {
    Caller caller = authenticate(authorization);
    if (caller.isAnonymous() || caller.cloneToken()) {
      throw HubError.unauthorized();
    }
    return caller;
  }

  static Optional<String> token(String authorization) {
    if (authorization == null || authorization.isBlank()) {
      return Optional.empty();
    }
    String value = authorization.trim();
    String scheme = value.split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
    String rest = value.substring(scheme.length()).trim();
    if (rest.isEmpty()) {
      return Optional.empty();
    }
    if (scheme.equals("bearer")) {
      return Optional.of(rest);
    }
    if (scheme.equals("basic")) {
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(rest), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw HubError.unauthorized();
      }
      int colon = decoded.indexOf(':');
      String password = colon < 0 ? "" : decoded.substring(colon + 1);
      return password.isEmpty() ? Optional.empty() : Optional.of(password);
    }
    throw HubError.unauthorized();
  }

  /**
   * A user's token has the API server's own audience; a Space pod's clone token has the hub's, and
   * counts only for reading its namespace's repositories.
   */
  private Optional<Caller> review(String token) {
    Optional<SpaceAccessReviews.User> user = authenticated(token, List.of());
    if (user.isPresent()) {
      return user.map(u -> caller(u, false));
    }
    return authenticated(token, List.of(config.hub().tokenAudience())).map(u -> caller(u, true));
  }

  private Optional<SpaceAccessReviews.User> authenticated(String token, List<String> audiences) {
    return Optional.ofNullable(
        SpaceAccessReviews.authenticated(
            client.resource(SpaceAccessReviews.tokenReview(token, audiences)).create()));
  }

  private static Caller caller(SpaceAccessReviews.User user, boolean cloneToken) {
    return new Caller(user.name(), user.uid(), user.groups(), user.extra(), cloneToken);
  }
}
