package dev.spaceport.gateway;

import dev.spaceport.api.Space;
import dev.spaceport.gateway.SpaceDirectory.SpaceKey;
import dev.spaceport.rules.SpaceDefaults;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

/**
 * The waking page's view of a Space at {@link GatewayPages#STATUS_PATH}: ready or not, and its
 * stage in plain words. With {@code ?wait=1} it long-polls: the answer comes when the Space is
 * ready, or after {@link #WAIT_MS} at the latest, so the page reloads at once.
 */
final class WakingStatus {

  static final long WAIT_MS = 10_000;

  private final Vertx vertx;
  private final SpaceDirectory directory;
  private final WakeCoordinator wake;

  WakingStatus(Vertx vertx, SpaceDirectory directory, WakeCoordinator wake) {
    this.vertx = vertx;
    this.directory = directory;
    this.wake = wake;
  }

  /**
   * @param visitor whether the request passes the visitor filter: only a visitor's poll wakes the
   *     Space (a HEAD request, a crawler or a probe does not)
   */
  void handle(
      HttpServerRequest request, SpaceKey key, Space space, boolean ready, boolean visitor) {
    if (ready || request.getParam("wait") == null || SpaceDefaults.paused(space)) {
      Gateway.respond(request, 200, "application/json", json(space, ready));
      return;
    }
    if (visitor) {
      wake.requestWake(key, space);
    }
    wake.readyOrAfter(key, WAIT_MS)
        .onComplete(
            done -> {
              boolean nowReady = directory.readyPod(key).isPresent();
              Gateway.respond(
                  request,
                  200,
                  "application/json",
                  json(directory.space(key).orElse(space), nowReady));
            });
  }

  private static String json(Space space, boolean ready) {
    return new JsonObject()
        .put("ready", ready)
        .put("text", GatewayPages.stageText(space, ready))
        .encode();
  }
}
