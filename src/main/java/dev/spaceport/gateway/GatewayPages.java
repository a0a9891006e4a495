package dev.spaceport.gateway;

import dev.spaceport.api.Space;
import dev.spaceport.rules.SpaceConditions;
import dev.spaceport.rules.Stage;

/**
 * The pages the gateway itself serves. They name no internals (no node, pod, or scheduler text) and
 * never a secret: only the Space's name and a plain stage.
 */
final class GatewayPages {

  /** Polled by the waking page; served on every Space's host. */
  static final String STATUS_PATH = "/.spaceport/status";

  /** How long a visitor of a Space that cannot answer now is asked to wait. */
  static final String RETRY_AFTER_SECONDS = "10";

  private GatewayPages() {}

  /**
   * An unknown host, and a private Space to a visitor who may not see it: the same page, so that it
   * tells nobody whether a private Space is there. Both offer sign-in.
   */
  static String notFound() {
    return page(
        "No Space here",
        "<h1>No Space here</h1><p>Nothing is served at this address.</p>"
            + "<p><a href=\""
            + VisitorAccess.SIGN_IN_PATH
            + "\">Sign in</a> if this is a private Space you may visit.</p>",
        "");
  }

  /** A token in, a session cookie for this host out; the token is neither kept nor shown. */
  static String signIn(String next) {
    return page(
        "Sign in",
        "<h1>Sign in</h1>"
            + "<p>Paste a Kubernetes token of yours, e.g. from <code>kubectl create token</code>.</p>"
            + "<form method=\"post\" action=\""
            + VisitorAccess.SIGN_IN_PATH
            + "\">"
            + "<input type=\"hidden\" name=\"next\" value=\""
            + escape(next)
            + "\">"
            + "<p><input type=\"password\" name=\"token\" autocomplete=\"off\" required"
            + " style=\"width:100%\"></p>"
            + "<p><button type=\"submit\">Sign in</button></p></form>",
        "");
  }

  static String paused(String name) {
    return page(
        name + " is paused",
        "<h1>"
            + escape(name)
            + " is paused</h1>"
            + "<p>Its owner has paused this Space. It will be back when they restart it.</p>",
        "");
  }

  /** Follows the real stage through {@link #STATUS_PATH} and reloads once the app is up. */
  static String waking(String name) {
    String script =
        """
                <script>
                // Long-polls the gateway, which answers as soon as the app is ready.
                async function poll() {
                  try {
                    const r = await fetch('%s?wait=1', {cache: 'no-store'});
                    const s = await r.json();
                    document.getElementById('stage').textContent = s.text;
                    if (s.ready) { location.reload(); return; }
                    poll();
                  } catch (e) {
                    setTimeout(poll, 1000);
                  }
                }
                poll();
                </script>"""
            .formatted(STATUS_PATH);
    return page(
        name + " is waking up",
        "<h1>"
            + escape(name)
            + " is waking up</h1>"
            + "<p id=\"stage\">Waking up</p><p>This page reloads by itself when the app is ready.</p>",
        script);
  }

  /** What the waking page shows for a Space's stage: plain words, no internals. */
  static String stageText(Space space, boolean ready) {
    if (ready) {
      return "Running";
    }
    if (SpaceConditions.INSUFFICIENT_CAPACITY.equals(
        SpaceConditions.readyReason(space.getStatus()))) {
      var hardware = space.getStatus().getHardware();
      if (hardware != null && hardware.getQueuePosition() != null) {
        return "Waiting for a GPU: place " + hardware.getQueuePosition() + " in the queue";
      }
      return "Waiting for hardware";
    }
    Stage stage = Stage.of(space.getStatus()).orElse(Stage.SLEEPING);
    return switch (stage) {
      case SLEEPING -> "Waking up";
      case PAUSED -> "Paused";
      case RUNTIME_ERROR, CONFIG_ERROR -> "The app failed to start";
      case APP_STARTING, RUNNING, RUNNING_APP_STARTING -> "Starting";
    };
  }

  private static String page(String title, String body, String script) {
    return "<!doctype html><html><head><meta charset=\"utf-8\"><title>"
        + escape(title)
        + "</title>"
        + "<style>body{font-family:system-ui,sans-serif;margin:15vh auto;max-width:32rem;text-align:center;color:#333}</style>"
        + "</head><body>"
        + body
        + script
        + "</body></html>";
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
