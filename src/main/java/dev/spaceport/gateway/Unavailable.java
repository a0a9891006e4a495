package dev.spaceport.gateway;

import io.vertx.core.http.HttpServerResponse;

/**
 * Why a request for a Space could not be served, and its answer: the status, Retry-After when
 * waiting helps, and the reason's message. Thrown through the proxy's origin future, so it carries
 * no stack trace.
 */
final class Unavailable extends RuntimeException {

  /** The reasons, with the status and the message a visitor gets. */
  enum Reason {
    PAUSED(503, "The Space is paused by its owner."),
    BUSY(503, "Too many requests are waiting for the Space to wake."),
    TIMEOUT(503, "The Space did not start in time."),
    NOT_LISTENING(503, "The Space's app does not accept connections yet."),
    NOT_RUNNING(503, "The Space is not running."),
    STOPPING(503, "The gateway is restarting; try again."),
    GONE(404, "The Space is gone.");

    private final int status;
    private final String message;

    Reason(int status, String message) {
      this.status = status;
      this.message = message;
    }

    int status() {
      return status;
    }

    String message() {
      return message;
    }

    /** Retry-After, for a visitor whom waiting can help. */
    boolean retryLater() {
      return status == 503;
    }
  }

  private final Reason reason;

  Unavailable(Reason reason) {
    super(reason.name(), null, false, false);
    this.reason = reason;
  }

  Reason reason() {
    return reason;
  }

  /** Answers a request with the reason, as plain text. */
  static void respond(HttpServerResponse response, Reason reason) {
    if (reason.retryLater()) {
      response.putHeader("Retry-After", GatewayPages.RETRY_AFTER_SECONDS);
    }
    response
        .setStatusCode(reason.status())
        .putHeader("Content-Type", "text/plain; charset=utf-8")
        .end(reason.message() + "\n");
  }
}
