package dev.spaceport.gateway;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/** A response body that tells its {@link OpenStreams.Stream} of every chunk it passes on. */
final class TrafficReadStream implements ReadStream<Buffer> {

  private final ReadStream<Buffer> body;
  private final OpenStreams.Stream stream;

  TrafficReadStream(ReadStream<Buffer> body, OpenStreams.Stream stream) {
    this.body = body;
    this.stream = stream;
  }

  @Override
  public ReadStream<Buffer> handler(Handler<Buffer> handler) {
    body.handler(
        handler == null
            ? null
            : chunk -> {
              stream.touch(System.currentTimeMillis());
              handler.handle(chunk);
            });
    return this;
  }

  @Override
  public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    body.exceptionHandler(handler);
    return this;
  }

  @Override
  public ReadStream<Buffer> pause() {
    body.pause();
    return this;
  }

  @Override
  public ReadStream<Buffer> resume() {
    body.resume();
    return this;
  }

  @Override
  public ReadStream<Buffer> fetch(long amount) {
    body.fetch(amount);
    return this;
  }

  @Override
  public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
    body.endHandler(endHandler);
    return this;
  }
}
