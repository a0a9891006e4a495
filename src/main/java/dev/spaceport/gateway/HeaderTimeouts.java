package dev.spaceport.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Closes a connection that sends no complete request headers within the limit, after it opens and
 * between keep-alive requests, so hundreds of slow, incomplete connections cannot pile up. Written
 * here because Vert.x has no header-read timeout, and its idle timeout would also cut what must
 * stay quiet: requests held while a Space wakes, streams between events.
 */
final class HeaderTimeouts {

  private final Vertx vertx;
  private final long headerMillis;
  private final long keepAliveMillis;
  private final Map<HttpConnection, Long> timers = new ConcurrentHashMap<>();

  HeaderTimeouts(Vertx vertx, long headerMillis, long keepAliveMillis) {
    this.vertx = vertx;
    this.headerMillis = headerMillis;
    this.keepAliveMillis = keepAliveMillis;
  }

  void opened(HttpConnection connection) {
    arm(connection, headerMillis);
  }

  void closed(HttpConnection connection) {
    disarm(connection);
  }

  /** A request's headers are complete: the connection is busy, not slow. */
  void requestStarted(HttpConnection connection) {
    disarm(connection);
  }

  /**
   * A keep-alive connection waits for its next request's headers (not after a WebSocket upgrade).
   */
  void responseEnded(HttpConnection connection) {
    arm(connection, keepAliveMillis);
  }

  private void arm(HttpConnection connection, long limitMillis) {
    long timer =
        vertx.setTimer(
            limitMillis,
            t -> {
              if (timers.remove(connection, t)) {
                connection.close();
              }
            });
    Long previous = timers.put(connection, timer);
    if (previous != null) {
      vertx.cancelTimer(previous);
    }
  }

  private void disarm(HttpConnection connection) {
    Long timer = timers.remove(connection);
    if (timer != null) {
      vertx.cancelTimer(timer);
    }
  }
}
