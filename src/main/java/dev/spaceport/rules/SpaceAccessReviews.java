package dev.spaceport.rules;

import dev.spaceport.api.Space;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import java.util.List;
import java.util.Map;

/**
 * Who may do what to a Space is Kubernetes' answer, asked the same way by the hub (its API and git)
 * and the gateway (visitors of private Spaces): a TokenReview says who holds a token, a
 * SubjectAccessReview whether RBAC lets that user act on the Space. Pure: the roles send them.
 */
public final class SpaceAccessReviews {

  /** A user as TokenReview names them. */
  public record User(
      String name, String uid, List<String> groups, Map<String, List<String>> extra) {}

  private SpaceAccessReviews() {}

  /** Empty audiences: the API server's own. */
  public static TokenReview tokenReview(String token, List<String> audiences) {
    return new TokenReviewBuilder()
        .withNewSpec()
        .withToken(token)
        .withAudiences(audiences.isEmpty() ? null : audiences)
        .endSpec()
        .build();
  }

  /** The user an answered TokenReview authenticated, or null. */
  public static User authenticated(TokenReview answer) {
    if (answer.getStatus() == null
        || !Boolean.TRUE.equals(answer.getStatus().getAuthenticated())
        || answer.getStatus().getUser() == null) {
      return null;
    }
    var user = answer.getStatus().getUser();
    return new User(
        user.getUsername(),
        user.getUid(),
        user.getGroups() == null ? List.of() : List.copyOf(user.getGroups()),
        user.getExtra() == null ? Map.of() : user.getExtra());
  }

  /** May {@code user} do {@code verb} on Spaces in {@code namespace} (named, or all when null)? */
  public static SubjectAccessReview spaceReview(
      User user, String verb, String namespace, String name) {
    return review(user, verb, Space.GROUP, "spaces", namespace, name);
  }

  /** A visitor of a private Space needs what {@code kubectl get space} needs. */
  public static SubjectAccessReview visitReview(User user, Space space) {
    return spaceReview(
        user, "get", space.getMetadata().getNamespace(), space.getMetadata().getName());
  }

  public static SubjectAccessReview review(
      User user, String verb, String group, String resource, String namespace, String name) {
    return new SubjectAccessReviewBuilder()
        .withNewSpec()
        .withUser(user.name())
        .withUid(user.uid())
        .withGroups(user.groups())
        .withExtra(user.extra().isEmpty() ? null : user.extra())
        .withNewResourceAttributes()
        .withVerb(verb)
        .withGroup(group)
        .withResource(resource)
        .withNamespace(namespace)
        .withName(name)
        .endResourceAttributes()
        .endSpec()
        .build();
  }

  public static boolean allowed(SubjectAccessReview answer) {
    return answer.getStatus() != null && Boolean.TRUE.equals(answer.getStatus().getAllowed());
  }
}
