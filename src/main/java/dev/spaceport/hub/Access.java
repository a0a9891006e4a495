package dev.spaceport.hub;

import dev.spaceport.rules.SpaceAccessReviews;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;

/**
 * What a caller may do is what RBAC lets that user do: each action is checked with a
 * SubjectAccessReview on exactly the object it touches, then done with the hub's own rights
 * (docs/hub-api.md says why this and not impersonation).
 */
@ApplicationScoped
class Access {

  static final String GROUP = "spaceport.dev";
  static final String SPACES = "spaces";

  private static final Duration TTL = Duration.ofSeconds(5);

  private final TtlCache<Boolean> answers = new TtlCache<>(TTL, 20_000);

  @Inject KubernetesClient client;

  boolean allowed(
      Caller caller, String verb, String group, String resource, String ns, String name) {
    if (caller.cloneToken()) {
      // A Space pod's clone token reads its own namespace's repositories and nothing else.
      return verb.equals("get")
          && GROUP.equals(group)
          && SPACES.equals(resource)
          && ns != null
          && ns.equals(caller.serviceAccountNamespace());
    }
    String key = String.join("\u0000", caller.user(), verb, group, resource, n(ns), n(name));
    return answers.get(key, () -> review(caller, verb, group, resource, ns, name));
  }

  boolean mayGetSpace(Caller caller, String ns, String name) {
    return allowed(caller, "get", GROUP, SPACES, ns, name);
  }

  /**
   * The Space is visible to the caller or it does not exist for them: 404 RepoNotFound either way;
   * a visible Space that the caller may not change is a 403.
   */
  void requireSpace(Caller caller, String verb, String ns, String name) {
    if (!mayGetSpace(caller, ns, name)) {
      throw HubError.repoNotFound(ns + "/" + name);
    }
    if (!verb.equals("get") && !allowed(caller, verb, GROUP, SPACES, ns, name)) {
      throw HubError.forbidden(
          caller.user() + " may not " + verb + " Space " + ns + "/" + name + " (RBAC)");
    }
  }

  private boolean review(
      Caller caller, String verb, String group, String resource, String ns, String name) {
    SpaceAccessReviews.User user =
        new SpaceAccessReviews.User(caller.user(), caller.uid(), caller.groups(), caller.extra());
    return SpaceAccessReviews.allowed(
        client.resource(SpaceAccessReviews.review(user, verb, group, resource, ns, name)).create());
  }

  private static String n(String s) {
    return s == null ? "" : s;
  }
}
