package dev.spaceport.hub;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Who sent a request, as the API server's TokenReview named them: the user RBAC judges. A clone
 * token is a Space pod's own service account token for the hub's audience; it may only read the
 * repositories of its namespace.
 */
record Caller(
    String user,
    String uid,
    List<String> groups,
    Map<String, List<String>> extra,
    boolean cloneToken) {

  private static final String SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:";

  static Caller anonymous() {
    return new Caller("system:anonymous", null, List.of("system:unauthenticated"), Map.of(), false);
  }

  boolean isAnonymous() {
    return "system:anonymous".equals(user);
  }

  /** The namespace of a service account, for a clone token's limit. */
  String serviceAccountNamespace() {
    if (!user.startsWith(SERVICE_ACCOUNT_PREFIX)) {
      return null;
    }
    String rest = user.substring(SERVICE_ACCOUNT_PREFIX.length());
    int colon = rest.indexOf(':');
    return colon < 0 ? null : rest.substring(0, colon);
  }

  /**
   * The Hub's user name, which the client uses as the namespace of an id without one: a service
   * account's namespace, or the user's name as a namespace could spell it.
   */
  String hubName() {
    String namespace = serviceAccountNamespace();
    if (namespace != null) {
      return namespace;
    }
    String name = user.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-");
    return name.replaceAll("^-+|-+$", "");
  }
}
