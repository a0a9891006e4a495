package dev.spaceport.gateway;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Which requests are a visitor's and what they want. Pure, so the rules are table-tested: health
 * checks, HEAD requests and crawlers neither count as activity nor wake a Space.
 */
final class VisitorPolicy {

  private final List<String> ignoredPaths;
  private final Pattern ignoredUserAgents;

  VisitorPolicy(List<String> ignoredPaths, String ignoredUserAgents) {
    this.ignoredPaths = List.copyOf(ignoredPaths);
    this.ignoredUserAgents = Pattern.compile(ignoredUserAgents);
  }

  /** Whether a request is a visitor's: counts as activity and may wake the Space. */
  boolean counts(String method, String path, String userAgent) {
    if ("HEAD".equals(method) || ignoredPaths.contains(path)) {
      return false;
    }
    return userAgent == null || !ignoredUserAgents.matcher(userAgent).matches();
  }

  /** A browser navigating to a page (not a WebSocket, not a script): it gets the waking page. */
  static boolean wantsHtml(String method, String accept, String upgrade) {
    return "GET".equals(method)
        && accept != null
        && accept.contains("text/html")
        && !"websocket".equalsIgnoreCase(upgrade);
  }

  /** A WebSocket upgrade, which the gateway tunnels to the pod. */
  static boolean isWebSocket(String method, String upgrade) {
    return "GET".equals(method) && "websocket".equalsIgnoreCase(upgrade);
  }
}
