package dev.spaceport.gateway;

/**
 * Why a request for a Space could not be served: the gateway answers 503 with Retry-After and the
 * reason's message. Thrown through the proxy's origin future, so it carries no stack trace.
 */
final class Unavailable extends RuntimeException {

  /** The 503 reasons and what a visitor reads. */
  enum Reason {
    PAUSED("The Space is paused by its owner."),
    BUSY("Too many requests are waiting for the Space to wake."),
    TIMEOUT("The Space did not start in time."),
    GONE("The Space is gone."),
    NOT_RUNNING("The Space is not running.");

    private final String message;

    Reason(String message) {
      this.message = message;
    }

    String message() {
      return message;
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
}
